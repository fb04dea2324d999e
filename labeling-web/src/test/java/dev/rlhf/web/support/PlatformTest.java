package dev.rlhf.web.support;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Import;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The one full-stack test configuration: the whole application on a random port with its own embedded
 * PostgreSQL (fresh data directory) and the demo data. Every test class uses exactly this annotation, so
 * they all share one cached context and one database; tests isolate themselves with {@link Fixtures}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "rlhf.data-dir=target/test-db/${random.uuid}",
        "RLHF_DEMO_LABELER_PASSWORD=" + PlatformTest.DEMO_LABELER_PASSWORD,
        "RLHF_DEMO_RESEARCHER_PASSWORD=" + PlatformTest.DEMO_RESEARCHER_PASSWORD,
        "RLHF_DEMO_ADMIN_PASSWORD=demo-admin-password",
        "rlhf.demo.pairwise-comparisons=10",
        "rlhf.demo.best-of-4-comparisons=4",
        "rlhf.labeling.sweep-interval=1h",
        "spring.datasource.hikari.maximum-pool-size=20",
        // small enough that a test can send more (UploadLimitsTest); the shipped limit is 512MB
        "spring.servlet.multipart.max-file-size=8MB",
        "spring.servlet.multipart.max-request-size=8MB"})
@AutoConfigureMockMvc
@Import(Fixtures.class)
public @interface PlatformTest {
    String DEMO_LABELER_PASSWORD = "demo-labeler-password";
    String DEMO_RESEARCHER_PASSWORD = "demo-researcher-password";
}
