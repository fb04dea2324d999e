package dev.rlhf.web.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Writes believable synthetic Reddit-style posts (subreddit, title, a few sentences) and candidate
 * summaries from differently named policies: the human reference TL;DR, a careful and a terse model, a
 * noisy model that gets a detail wrong, and a lead-sentence baseline. Deterministic for a given seed.
 */
public class DemoPostGenerator {
    static final String REFERENCE = "human-reference";
    static final String CAREFUL = "ppo-1.3b";
    static final String TERSE = "sft-1.3b";
    static final String NOISY = "pretrained-1.3b";
    static final String LEAD = "lead-2";

    private static final String[] NAMES = {"Sam", "Alex", "Jordan", "Priya", "Marco", "Lena", "Tom", "Aisha", "Ben", "Yuki"};
    private static final String[] CITIES = {"Leeds", "Denver", "Lyon", "Toronto", "Austin", "Porto", "Melbourne", "Cork"};
    private static final String[] PETS = {"cat", "dog", "rabbit", "parrot"};
    private static final String[] JOBS = {"nurse", "line cook", "software tester", "teacher", "warehouse supervisor", "barista"};

    private final Random random;
    private int counter;

    public DemoPostGenerator(long seed) {
        this.random = new Random(seed);
    }

    public DemoPost next() {
        counter++;
        String id = "demo-" + counter;
        return switch (random.nextInt(6)) {
            case 0 -> roommate(id);
            case 1 -> job(id);
            case 2 -> money(id);
            case 3 -> pet(id);
            case 4 -> running(id);
            default -> relationship(id);
        };
    }

    private DemoPost roommate(String id) {
        String name = pick(NAMES);
        int months = 2 + random.nextInt(10);
        int amount = 20 + 10 * random.nextInt(9);
        String title = "My roommate " + name + " keeps eating my food and says it's no big deal";
        String body = "I (" + age() + "F) have lived with " + name + " for " + months + " months in " + pick(CITIES) + ". "
                + "Every week something I bought disappears, last week it was about $" + amount + " of groceries. "
                + "When I brought it up, " + name + " laughed and said we should just share everything. "
                + "I never agreed to that and I budget carefully. "
                + "Should I label my food, get a lock for the cupboard, or ask to split groceries formally?";
        return new DemoPost(id, "relationship_advice", title, body, List.of(
                ref(name + " keeps eating my groceries (about $" + amount + " a week) and brushes it off; how do I make them stop?"),
                cand(CAREFUL, "Roommate of " + months + " months eats my food (~$" + amount + "/week) and wants to share everything, which I never agreed to. Label it, lock it, or formally split groceries?"),
                cand(TERSE, "Roommate eats my food and doesn't care. What do I do?"),
                cand(NOISY, name + " and I split groceries every week but now " + name + " wants to move out over $" + (amount * 3) + "."),
                cand(LEAD, lead(body))));
    }

    private DemoPost job(String id) {
        String job = pick(JOBS);
        int years = 1 + random.nextInt(6);
        int raise = 5 + random.nextInt(15);
        String title = "Got a competing offer after " + years + " years as a " + job + ". Do I tell my manager?";
        String body = "I've worked as a " + job + " at the same place for " + years + " years. "
                + "A company across town offered me " + raise + "% more and a shorter commute. "
                + "I actually like my team and my manager has been fair to me. "
                + "A coworker said that using an offer to get a raise burns bridges. "
                + "Is it reasonable to ask for a counteroffer, or should I just leave?";
        return new DemoPost(id, "careerguidance", title, body, List.of(
                ref("Have an offer paying " + raise + "% more after " + years + " years in my job; should I ask my fair manager to match it or just go?"),
                cand(CAREFUL, "After " + years + " years as a " + job + ", got an offer for " + raise + "% more with a shorter commute. Like my team; is asking for a counteroffer OK or should I leave?"),
                cand(TERSE, "Got a job offer. Should I tell my boss?"),
                cand(NOISY, "My manager offered me a " + raise + "% raise but my coworker wants my job, so I am quitting as a " + pick(JOBS) + "."),
                cand(LEAD, lead(body))));
    }

    private DemoPost money(String id) {
        int debt = 2 + random.nextInt(18);
        int savings = 1 + random.nextInt(9);
        int rate = 15 + random.nextInt(12);
        String title = "$" + debt + "k credit card debt at " + rate + "% and $" + savings + "k in savings. Pay it off now?";
        String body = "I'm " + age() + " and have $" + debt + "k on a credit card at " + rate + "% APR. "
                + "I also have $" + savings + "k in a savings account earning almost nothing. "
                + "My job is stable but my car is old and might need repairs soon. "
                + "Part of me wants to throw all the savings at the card, part of me is scared of having no cushion. "
                + "What would you do?";
        return new DemoPost(id, "personalfinance", title, body, List.of(
                ref("$" + debt + "k card debt at " + rate + "% and $" + savings + "k savings; use the savings to pay it down or keep an emergency fund?"),
                cand(CAREFUL, "Have $" + debt + "k credit card debt at " + rate + "% APR and $" + savings + "k savings; stable job but an old car. Pay down the card with savings or keep a cushion?"),
                cand(TERSE, "Should I pay off my credit card with my savings?"),
                cand(NOISY, "I have $" + savings + "k of debt at " + (rate / 3) + "% and want to buy a new car with my $" + debt + "k savings."),
                cand(LEAD, lead(body))));
    }

    private DemoPost pet(String id) {
        String pet = pick(PETS);
        String name = pick(NAMES);
        int nights = 2 + random.nextInt(6);
        String title = "My " + pet + " has started waking me up at 4am every night";
        String body = "For the last " + nights + " nights my " + pet + " has woken me at 4am, crying until I get up. "
                + "Nothing changed in the routine except that my partner " + name + " started working late. "
                + "The vet says the " + pet + " is healthy. "
                + "I've tried ignoring it but it only gets louder. "
                + "How do I get back to sleeping through the night without making it worse?";
        return new DemoPost(id, "Pets", title, body, List.of(
                ref("Healthy " + pet + " wakes me at 4am since my partner's schedule changed; ignoring it hasn't worked. How do I stop it?"),
                cand(CAREFUL, "My " + pet + " has cried at 4am for " + nights + " nights since " + name + " began working late; the vet found nothing and ignoring it made it louder. How to fix the routine?"),
                cand(TERSE, "My " + pet + " wakes me up. Help?"),
                cand(NOISY, "The vet says my " + pet + " is sick because " + name + " feeds it at 4am every night."),
                cand(LEAD, lead(body))));
    }

    private DemoPost running(String id) {
        int weeks = 4 + random.nextInt(12);
        int km = 5 + 5 * random.nextInt(4);
        String title = "Knee pain " + weeks + " weeks before my first " + km + "k race";
        String body = "I started running this year and signed up for a " + km + "k in " + pick(CITIES) + " in " + weeks + " weeks. "
                + "Since I increased my mileage, the outside of my left knee hurts after about 3 km. "
                + "Walking is fine and there's no swelling. "
                + "I've read about IT band issues and foam rolling but I don't know if I should rest completely. "
                + "Can I still make the race without wrecking my knee?";
        return new DemoPost(id, "running", title, body, List.of(
                ref("Outside-of-knee pain after 3 km since upping mileage, race in " + weeks + " weeks. Rest, foam roll, or keep training?"),
                cand(CAREFUL, "New runner with a " + km + "k in " + weeks + " weeks; outer left knee hurts after 3 km since adding mileage, no swelling. Rest fully or manage it and still race?"),
                cand(TERSE, "My knee hurts when I run. Should I stop?"),
                cand(NOISY, "I ran a " + (km * 2) + "k last week and now both knees are swollen, so I'm quitting running."),
                cand(LEAD, lead(body))));
    }

    private DemoPost relationship(String id) {
        String name = pick(NAMES);
        int years = 1 + random.nextInt(7);
        String city = pick(CITIES);
        String title = "Partner of " + years + " years got a job in " + city + ". Long distance or move?";
        String body = "My partner " + name + " and I have been together " + years + " years. "
                + name + " just got their dream job in " + city + ", a six-hour drive away. "
                + "I have a good job here and my family is close by. "
                + "We both want to stay together but neither of us knows if long distance would work. "
                + "How did you decide between moving and doing long distance?";
        return new DemoPost(id, "relationships", title, body, List.of(
                ref(name + " got a dream job six hours away in " + city + "; do I move or try long distance?"),
                cand(CAREFUL, "Together " + years + " years; " + name + " got a dream job in " + city + " six hours away, while my job and family are here. Move or long distance?"),
                cand(TERSE, "My partner is moving away. What should we do?"),
                cand(NOISY, "I got a job in " + city + " and " + name + " wants to break up after " + (years + 3) + " years."),
                cand(LEAD, lead(body))));
    }

    private DemoPost.Candidate ref(String text) {
        return new DemoPost.Candidate(REFERENCE, text, true, "TL;DR written by the post's author");
    }

    private static DemoPost.Candidate cand(String policy, String text) {
        return new DemoPost.Candidate(policy, text, false, null);
    }

    private static String lead(String body) {
        String[] sentences = body.split("(?<=[.?!]) ");
        return sentences.length < 2 ? body : sentences[0] + " " + sentences[1];
    }

    private int age() {
        return 19 + random.nextInt(20);
    }

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    /** Picks {@code n} distinct candidates in random order. */
    public List<DemoPost.Candidate> pickCandidates(DemoPost post, int n) {
        List<DemoPost.Candidate> shuffled = new ArrayList<>(post.candidates());
        Collections.shuffle(shuffled, random);
        return List.copyOf(shuffled.subList(0, n));
    }
}
