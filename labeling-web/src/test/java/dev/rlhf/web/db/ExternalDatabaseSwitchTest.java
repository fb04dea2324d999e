package dev.rlhf.web.db;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** With SPRING_DATASOURCE_URL (or spring.datasource.url) set, no embedded server is started. */
class ExternalDatabaseSwitchTest {

    @Test
    void theEnvironmentVariableSwitchesTheEmbeddedServerOff() {
        new ApplicationContextRunner()
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-environment",
                                Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://db.example:5432/rlhf"))))
                .withUserConfiguration(EmbeddedDatabaseConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedDatabase.class)
                        .doesNotHaveBean(javax.sql.DataSource.class));
    }

    @Test
    void thePropertySwitchesTheEmbeddedServerOffToo() {
        new ApplicationContextRunner()
                .withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/rlhf")
                .withUserConfiguration(EmbeddedDatabaseConfiguration.class)
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(EmbeddedDatabase.class));
    }

    @Test
    void withoutItTheConditionAsksForTheEmbeddedServer() {
        new ApplicationContextRunner()
                .withUserConfiguration(EmbeddedDatabaseConditionProbe.class)
                .run(context -> assertThat(context).hasSingleBean(EmbeddedDatabaseConditionProbe.Marker.class));
    }

    @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
    @org.springframework.context.annotation.Conditional(EmbeddedDatabaseCondition.class)
    static class EmbeddedDatabaseConditionProbe {
        static class Marker {
        }

        @org.springframework.context.annotation.Bean
        Marker marker() {
            return new Marker();
        }
    }
}
