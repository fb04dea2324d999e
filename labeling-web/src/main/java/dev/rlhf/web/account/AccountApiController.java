package dev.rlhf.web.account;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;
import java.util.Map;

/**
 * Accounts over REST (admins only): list, create, enable/disable, change the role, pause/resume labelers, reset a
 * password.
 */
@RestController
@RequestMapping("/api/accounts")
record AccountApiController(AccountAdministration administration) {
    record NewAccount(String username, String password, Role role, String pseudonym) {
    }

    record Flag(Boolean value) {
        boolean required(String field) {
            if (value == null) {
                throw dev.rlhf.web.api.ApiProblem.badField("value", field + ": 'value' (true or false) is required");
            }
            return value;
        }
    }

    record NewRole(Role value) {
    }

    @GetMapping
    List<AccountAdministration.Account> all() {
        return administration.all();
    }

    @PostMapping
    ResponseEntity<AccountAdministration.Account> create(@RequestBody NewAccount account) {
        return ResponseEntity.status(HttpStatus.CREATED).body(administration.create(account.username(),
                account.password(), account.role(), account.pseudonym()));
    }

    @PostMapping("/{id}/enabled")
    AccountAdministration.Account enabled(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                                          @RequestBody Flag flag) {
        return administration.setEnabled(id, flag.required("enabled"), admin.id());
    }

    @PostMapping("/{id}/role")
    AccountAdministration.Account role(@AuthenticationPrincipal SignedInUser admin, @PathVariable long id,
                                       @RequestBody NewRole role) {
        return administration.setRole(id, role.value(), admin.id());
    }

    @PostMapping("/{id}/paused")
    AccountAdministration.Account paused(@PathVariable long id, @RequestBody Flag flag) {
        return administration.setPaused(id, flag.required("paused"));
    }

    @PostMapping("/{id}/password")
    Map<String, String> resetPassword(@PathVariable long id) {
        return Map.of("password", administration.resetPassword(id));
    }
}
