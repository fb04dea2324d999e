package dev.rlhf.web.demo;

import dev.rlhf.web.account.AccountService;
import dev.rlhf.web.account.Role;
import dev.rlhf.web.batch.BatchMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.SecureRandom;

/**
 * On first start only (no users yet): a demo labeler, researcher and admin, a pairwise batch (ties allowed,
 * K = 3) and a small best-of-4 batch, so a labeler has work at once. Passwords come from
 * {@code RLHF_DEMO_LABELER_PASSWORD}, {@code RLHF_DEMO_RESEARCHER_PASSWORD}, {@code RLHF_DEMO_ADMIN_PASSWORD},
 * otherwise they are random and printed once to the log. Later starts change nothing.
 */
@Component
record DemoDataSeeder(AccountService accounts, DemoBatches batches, DemoProperties properties, Environment environment,
                      TransactionTemplate tx) implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(DemoDataSeeder.class);

    @Override
    public void run(ApplicationArguments args) {
        tx.executeWithoutResult(status -> {
            if (!properties.enabled() || !accounts.noUsers()) {
                return;
            }
            StringBuilder printed = new StringBuilder();
            createUser("labeler", Role.LABELER, "RLHF_DEMO_LABELER_PASSWORD", printed);
            createUser("researcher", Role.RESEARCHER, "RLHF_DEMO_RESEARCHER_PASSWORD", printed);
            createUser("admin", Role.ADMIN, "RLHF_DEMO_ADMIN_PASSWORD", printed);
            DemoPostGenerator generator = new DemoPostGenerator(20190918L);
            batches.create("demo-pairwise", BatchMode.PAIRWISE, 3, true, 10, properties.pairwiseComparisons(), generator);
            batches.create("demo-best-of-4", BatchMode.BEST_OF_4, 2, false, 5, properties.bestOf4Comparisons(), generator);
            log.info("First start: demo users labeler, researcher, admin and batches demo-pairwise ({} comparisons, K=3, ties) "
                    + "and demo-best-of-4 ({} comparisons, K=2) created", properties.pairwiseComparisons(),
                    properties.bestOf4Comparisons());
            if (!printed.isEmpty()) {
                log.warn("Demo passwords (shown once, not stored in clear):{}", printed);
            }
        });
    }

    private void createUser(String username, Role role, String passwordVariable, StringBuilder printed) {
        String password = environment.getProperty(passwordVariable);
        if (password == null || password.isBlank()) {
            password = randomPassword();
            printed.append(System.lineSeparator()).append("  ").append(username).append(" / ").append(password);
        }
        accounts.create(username, password, role, "demo-" + username);
    }

    private static String randomPassword() {
        String alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }
}
