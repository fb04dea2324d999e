package dev.rlhf.web.support;

import dev.rlhf.web.account.SignedInUser;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.RequestBuilder;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

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

    /** The run form posted as {@code who} with {@code fields} (name, value, name, value, ...). */
    protected MockHttpServletRequestBuilder runForm(SignedInUser who, String... fields) {
        MockHttpServletRequestBuilder request = post("/research/runs").with(user(who)).with(csrf());
        for (int i = 0; i < fields.length; i += 2) request.param(fields[i], fields[i + 1]);
        return request;
    }

    /** Sends a run form's {@code request}, which redirects to the page of the run it queued: that run's id. */
    protected long queuedRun(RequestBuilder request) throws Exception {
        String location = mvc.perform(request).andExpect(status().is3xxRedirection()).andReturn().getResponse().getRedirectedUrl();
        return Long.parseLong(location.substring(location.lastIndexOf('/') + 1));
    }

    /** Sends a form's {@code request}: it is refused (400) and the page shown again contains each of {@code texts}. */
    protected void refusedShowing(RequestBuilder request, String... texts) throws Exception {
        ResultActions result = mvc.perform(request).andExpect(status().isBadRequest());
        for (String text : texts) result.andExpect(content().string(containsString(text)));
    }

    /** Posts {@code json} to the run launch API as {@code who}: it is refused (400), naming {@code field} with {@code message}. */
    protected void launchRefused(SignedInUser who, String json, String field, String message) throws Exception {
        mvc.perform(post("/api/runs").with(user(who)).with(csrf()).contentType(MediaType.APPLICATION_JSON).content(json))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.fields." + field).value(message));
    }
}
