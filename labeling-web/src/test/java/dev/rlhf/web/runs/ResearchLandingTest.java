package dev.rlhf.web.runs;

import dev.rlhf.web.account.Role;
import dev.rlhf.web.account.SignedInUser;
import dev.rlhf.web.support.PlatformTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

/** {@code /research}: a queued run, the newest model and the sections' links are on the landing page. */
@PlatformTest
class ResearchLandingTest extends OwnWorkerTest {
    @Test
    void theLandingPageListsActiveRunsTheNewestModelsAndLinksEverySection() throws Exception {
        String tag = "landing" + System.nanoTime();
        long run = queue.enqueue(tag + " run", RunKind.SFT, RunTestSupport.tinySft(5, 5), null, null, null);
        long model = registry.register(tag + " model", "SFT", "/nonexistent/" + tag, null, null, null, "{}");
        SignedInUser researcher = fixtures.signedIn(Role.RESEARCHER);
        String page = mvc.perform(get("/research").with(user(researcher))).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("data-run=\"" + run + "\"", tag + " run", "QUEUED", "data-model=\"" + model + "\"",
                tag + " model", "id=\"all-runs\"", "id=\"all-models\"", "id=\"all-evaluations\"", "id=\"batches\"");
        queue.cancel(run);
        String after = mvc.perform(get("/research").with(user(researcher))).andReturn().getResponse().getContentAsString();
        assertThat(after).as("a cancelled run is no longer active").doesNotContain("data-run=\"" + run + "\"");
    }
}
