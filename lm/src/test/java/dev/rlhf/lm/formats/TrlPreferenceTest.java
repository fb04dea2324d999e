package dev.rlhf.lm.formats;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrlPreferenceTest {

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    private static JsonlFormatException refused(String line) {
        return assertThrows(JsonlFormatException.class, () -> TrlPreference.parse(json(line), null, 7));
    }

    @Test
    void readsTheStandardForm() {
        PreferencePair p = TrlPreference.parse(json("{\"prompt\":\"The sky is\",\"chosen\":\" blue.\",\"rejected\":\" green.\"}"),
                null, 1);
        assertEquals(new PreferencePair("The sky is", " blue.", " green."), p);
    }

    @Test
    void readsTheConversationalFormTakingTheLastAssistantMessage() {
        PreferencePair p = TrlPreference.parse(json("""
                {"prompt":[{"role":"user","content":"What color is the sky?"}],
                 "chosen":[{"role":"assistant","content":"draft"},{"role":"user","content":"again"},
                           {"role":"assistant","content":"It is blue."}],
                 "rejected":[{"role":"assistant","content":"It is green."}]}"""), null, 1);
        assertEquals(new PreferencePair("What color is the sky?", "It is blue.", "It is green."), p);

        PreferencePair system = TrlPreference.parse(json("""
                {"prompt":[{"role":"system","content":"Be brief."},{"role":"user","content":"Sky?"}],
                 "chosen":"Blue.","rejected":[{"role":"assistant","content":"Green."}]}"""), null, 1);
        assertEquals("system: Be brief.\n\nuser: Sky?", system.prompt());
        assertEquals("Blue.", system.chosen());
    }

    @Test
    void anImplicitPromptIsTheChosenConversationBeforeItsAnswer() {
        PreferencePair p = TrlPreference.parse(json("""
                {"chosen":[{"role":"user","content":"Sky?"},{"role":"assistant","content":"Blue."}],
                 "rejected":[{"role":"user","content":"Sky?"},{"role":"assistant","content":"Green."}]}"""), null, 1);
        assertEquals(new PreferencePair("Sky?", "Blue.", "Green."), p);
    }

    @Test
    void badLinesNameTheLineAndTheField() {
        JsonlFormatException missing = refused("{\"prompt\":\"p\",\"chosen\":\"c\"}");
        assertEquals(7, missing.line());
        assertEquals("line 7: rejected: is required", missing.getMessage());
        assertEquals("chosen", refused("{\"prompt\":\"p\",\"chosen\":3,\"rejected\":\"r\"}").field());
        assertEquals("rejected", refused("{\"prompt\":\"p\",\"chosen\":\"c\",\"rejected\":[{\"role\":\"user\",\"content\":\"x\"}]}").field());
        assertEquals("chosen[0].content", refused("{\"prompt\":\"p\",\"chosen\":[{\"role\":\"assistant\"}],\"rejected\":\"r\"}").field());
        assertEquals("chosen[0].content", refused("{\"prompt\":\"p\",\"chosen\":[{\"role\":\"assistant\",\"content\":\" \"}],\"rejected\":\"r\"}").field());
        assertEquals("prompt", refused("{\"chosen\":\"c\",\"rejected\":\"r\"}").field());
        assertEquals("prompt", refused("{\"prompt\":\"  \",\"chosen\":\"c\",\"rejected\":\"r\"}").field());
        assertEquals("prompt[0]", refused("{\"prompt\":[\"hi\"],\"chosen\":\"c\",\"rejected\":\"r\"}").field());
    }

    @Test
    void recognisesItsLines() {
        assertTrue(TrlPreference.looksLike(json("{\"chosen\":\"c\",\"rejected\":\"r\"}")));
        assertTrue(TrlPreference.looksLike(json("{\"prompt\":\"p\",\"chosen\":\"c\"}")));
        assertFalse(TrlPreference.looksLike(json("{\"info\":{},\"summaries\":[]}")));
        assertFalse(TrlPreference.looksLike(json("{\"info\":{},\"summaries\":[],\"chosen\":1}")));
    }
}
