package dev.rlhf.web.quality;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class KrippendorffAlphaTest {

    /**
     * Krippendorff's textbook reliability data: 4 observers, 12 units, values 1-5 with missing entries; the
     * nominal alpha he reports is 0.743. Units with a single value (unit 12) are not pairable.
     */
    @Test
    void matchesKrippendorffsNominalExample() {
        KrippendorffAlpha alpha = new KrippendorffAlpha();
        alpha.addUnit(List.of("1", "1", "1"));
        alpha.addUnit(List.of("2", "2", "3", "2"));
        alpha.addUnit(List.of("3", "3", "3", "3"));
        alpha.addUnit(List.of("3", "3", "3", "3"));
        alpha.addUnit(List.of("2", "2", "2", "2"));
        alpha.addUnit(List.of("1", "2", "3", "4"));
        alpha.addUnit(List.of("4", "4", "4", "4"));
        alpha.addUnit(List.of("1", "1", "2", "1"));
        alpha.addUnit(List.of("2", "2", "2", "2"));
        alpha.addUnit(List.of("5", "5", "5"));
        alpha.addUnit(List.of("1", "1"));
        alpha.addUnit(List.of("3"));
        assertThat(alpha.pairableUnits()).isEqualTo(11);
        assertThat(alpha.value()).isCloseTo(0.743, within(0.0005));
    }

    @Test
    void perfectAgreementIsOneAndASingleCategoryIsUndefined() {
        KrippendorffAlpha perfect = new KrippendorffAlpha();
        perfect.addUnit(List.of("0", "0"));
        perfect.addUnit(List.of("1", "1", "1"));
        assertThat(perfect.value()).isEqualTo(1.0);

        KrippendorffAlpha oneCategory = new KrippendorffAlpha();
        oneCategory.addUnit(List.of("0", "0"));
        oneCategory.addUnit(List.of("0"));
        assertThat(oneCategory.value()).isNull();
        assertThat(new KrippendorffAlpha().value()).isNull();
    }

    @Test
    void systematicDisagreementIsNegative() {
        KrippendorffAlpha alpha = new KrippendorffAlpha();
        alpha.addUnit(List.of("0", "1"));
        alpha.addUnit(List.of("1", "0"));
        // o01 = o10 = 2, n = 4, n0 = n1 = 2: Do = 1, De = (16 - 8) / 12 = 2/3, alpha = 1 - 3/2
        assertThat(alpha.value()).isCloseTo(-0.5, within(1e-12));
    }
}
