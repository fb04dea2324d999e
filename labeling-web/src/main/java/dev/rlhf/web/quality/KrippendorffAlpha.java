package dev.rlhf.web.quality;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Krippendorff's alpha for nominal data, accumulated one unit (comparison) at a time:
 * {@code alpha = 1 - D_o / D_e}. Every ordered pair of values (c, k) from two different labelers of a unit with
 * m_u ≥ 2 values adds {@code 1 / (m_u - 1)} to the coincidence o_ck; units with one value are not pairable.
 * With n = Σ o_ck and n_c = Σ_k o_ck: {@code D_o = Σ_{c≠k} o_ck / n}, {@code D_e = Σ_{c≠k} n_c n_k / (n (n - 1))}.
 * Undefined (null) when fewer than two values are pairable or every value is the same category (D_e = 0).
 */
public final class KrippendorffAlpha {
    private final Map<String, Integer> categories = new HashMap<>();
    private final List<double[]> coincidences = new ArrayList<>();
    private long pairableUnits;

    /** Adds one unit: the values its labelers gave (any number; one value alone adds nothing). */
    public void addUnit(List<String> values) {
        int m = values.size();
        if (m < 2) {
            return;
        }
        pairableUnits++;
        int[] index = new int[m];
        for (int i = 0; i < m; i++) {
            index[i] = category(values.get(i));
        }
        double weight = 1.0 / (m - 1);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    coincidences.get(index[i])[index[j]] += weight;
                }
            }
        }
    }

    private int category(String value) {
        Integer known = categories.get(value);
        if (known != null) {
            return known;
        }
        int next = categories.size();
        categories.put(value, next);
        for (int i = 0; i < coincidences.size(); i++) {
            coincidences.set(i, java.util.Arrays.copyOf(coincidences.get(i), next + 1));
        }
        coincidences.add(new double[next + 1]);
        return next;
    }

    public long pairableUnits() {
        return pairableUnits;
    }

    public Double value() {
        int k = categories.size();
        double n = 0;
        double disagreeing = 0;
        double[] marginals = new double[k];
        for (int c = 0; c < k; c++) {
            for (int d = 0; d < k; d++) {
                double o = coincidences.get(c)[d];
                n += o;
                marginals[c] += o;
                if (c != d) {
                    disagreeing += o;
                }
            }
        }
        if (n < 2) {
            return null;
        }
        double squares = 0;
        for (double marginal : marginals) {
            squares += marginal * marginal;
        }
        double expected = (n * n - squares) / (n * (n - 1));
        if (expected == 0) {
            return null;
        }
        double observed = disagreeing / n;
        return 1 - observed / expected;
    }
}
