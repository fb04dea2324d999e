package dev.rlhf.web.support;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.servlet.MockMvc;

/**
 * What the full-stack tests that send their requests through MockMvc share: the {@link MockMvc} of the one
 * {@link PlatformTest} application and the {@link Fixtures} that build each test's own users and batches. A test class
 * extends it and carries {@code @PlatformTest} itself.
 */
public abstract class MockMvcTest {
    @Autowired
    protected MockMvc mvc;
    @Autowired
    protected Fixtures fixtures;
}
