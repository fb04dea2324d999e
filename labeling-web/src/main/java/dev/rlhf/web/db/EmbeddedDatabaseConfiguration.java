package dev.rlhf.web.db;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

import java.io.IOException;
import java.nio.file.Path;

/**
 * With no {@code spring.datasource.url}, the platform runs its own PostgreSQL on {@code rlhf.data-dir}
 * and points the connection pool ({@code spring.datasource.hikari.*}) at it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedDatabaseCondition.class)
class EmbeddedDatabaseConfiguration {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgres embeddedPostgres(@Value("${rlhf.data-dir:./data}") Path dataDir) throws IOException {
        EmbeddedPostgres postgres = EmbeddedDatabase.start(dataDir);
        log.info("Embedded PostgreSQL on port {} with data directory {}", postgres.getPort(), dataDir.toAbsolutePath());
        return postgres;
    }

    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgres postgres) {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(EmbeddedDatabase.jdbcUrl(postgres));
        dataSource.setUsername("postgres");
        return dataSource;
    }
}
