package dev.rlhf.web.models;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers a Hugging Face directory the researcher brings ({@link ModelRegistration}): from the registry page's form
 * ({@code POST /research/models}) or {@code POST /api/models {"name","kind","path"}} (201 with the id, or 400 naming the
 * fields).
 */
@Controller
record ModelRegistrationController(ModelRegistration registration) {
    @PostMapping("/research/models")
    String fromForm(@RequestParam(defaultValue = "") String name, @RequestParam(defaultValue = "") String kind,
                    @RequestParam(defaultValue = "") String path, RedirectAttributes flash) {
        ModelRegistration.Result r = registration.register(name, kind, path);
        if (r.ok()) return "redirect:/research/models/" + r.id();
        flash.addFlashAttribute("registrationErrors", r.errors());
        flash.addFlashAttribute("registration", Map.of("name", name, "kind", kind, "path", path));
        return "redirect:/research/models";
    }

    @PostMapping("/api/models")
    @ResponseBody
    ResponseEntity<Map<String, Object>> fromApi(@RequestBody Map<String, Object> body) {
        ModelRegistration.Result r = registration.register(text(body, "name"), text(body, "kind"), text(body, "path"));
        Map<String, Object> out = new LinkedHashMap<>();
        if (!r.ok()) {
            out.put("status", 400);
            out.put("errors", r.errors());
            return ResponseEntity.badRequest().body(out);
        }
        out.put("id", r.id());
        return ResponseEntity.status(HttpStatus.CREATED).body(out);
    }

    private static String text(Map<String, Object> body, String key) {
        Object v = body.get(key);
        return v == null ? null : v.toString();
    }
}
