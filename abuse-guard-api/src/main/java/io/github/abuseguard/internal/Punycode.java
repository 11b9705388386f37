package io.github.abuseguard.internal;

/**
 * The Punycode encoding of RFC 3492 (section 6.3), which the JDK keeps internal: {@link java.net.IDN} applies it only
 * after IDNA2003's mapping, which {@link DomainNames} must step around for the letters IDNA2008 keeps.
 */
final class Punycode {
    private static final int BASE = 36;
    private static final int T_MIN = 1;
    private static final int T_MAX = 26;
    private static final int SKEW = 38;
    private static final int DAMP = 700;
    private static final int INITIAL_BIAS = 72;
    private static final int INITIAL_N = 128;

    private Punycode() {}

    /**
     * The Punycode of one label (without the {@code xn--} prefix). The label is at most a domain's length, so no sum
     * here can overflow an {@code int} (the largest code point times 254 is below 2^29).
     */
    static String encode(String label) {
        int[] points = label.codePoints().toArray();
        StringBuilder out = new StringBuilder(points.length + 8);
        for (int c : points) {
            if (c < INITIAL_N) {
                out.append((char) c);
            }
        }
        int basic = out.length();
        int handled = basic;
        if (basic > 0) {
            out.append('-');
        }
        int n = INITIAL_N;
        int delta = 0;
        int bias = INITIAL_BIAS;
        while (handled < points.length) {
            int next = Integer.MAX_VALUE;
            for (int c : points) {
                if (c >= n && c < next) {
                    next = c;
                }
            }
            delta += (next - n) * (handled + 1);
            n = next;
            for (int c : points) {
                if (c < n) {
                    delta++;
                } else if (c == n) {
                    int q = delta;
                    for (int k = BASE; ; k += BASE) {
                        int t = k <= bias ? T_MIN : Math.min(k - bias, T_MAX);
                        if (q < t) {
                            break;
                        }
                        out.append(digit(t + (q - t) % (BASE - t)));
                        q = (q - t) / (BASE - t);
                    }
                    out.append(digit(q));
                    bias = adapt(delta, handled + 1, handled == basic);
                    delta = 0;
                    handled++;
                }
            }
            delta++;
            n++;
        }
        return out.toString();
    }

    private static int adapt(int delta, int points, boolean first) {
        int d = first ? delta / DAMP : delta / 2;
        d += d / points;
        int k = 0;
        while (d > ((BASE - T_MIN) * T_MAX) / 2) {
            d /= BASE - T_MIN;
            k += BASE;
        }
        return k + (BASE - T_MIN + 1) * d / (d + SKEW);
    }

    private static char digit(int d) {
        return (char) (d < 26 ? 'a' + d : '0' + d - 26);
    }
}
