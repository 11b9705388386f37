package io.github.abuseguard.internal;

import org.jspecify.annotations.Nullable;

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

    /**
     * The Unicode of one Punycode label (without the {@code xn--} prefix), RFC 3492 section 6.2; {@code null} when it
     * is no valid Punycode. Bounded as {@link #encode} is: a label longer than a domain is refused.
     */
    static @Nullable String decode(String label) {
        if (label.length() > 253) {
            return null;
        }
        int delimiter = label.lastIndexOf('-');
        StringBuilder basic = new StringBuilder();
        for (int i = 0; i < Math.max(delimiter, 0); i++) {
            char c = label.charAt(i);
            if (c >= INITIAL_N) {
                return null;
            }
            basic.append(c);
        }
        int[] points = new int[label.length()];
        int count = 0;
        for (int i = 0; i < basic.length(); i++) {
            points[count++] = basic.charAt(i);
        }
        int n = INITIAL_N;
        int i = 0;
        int bias = INITIAL_BIAS;
        for (int in = delimiter > 0 ? delimiter + 1 : 0; in < label.length(); ) {
            int old = i;
            int w = 1;
            for (int k = BASE; ; k += BASE) {
                if (in >= label.length()) {
                    return null;
                }
                int digit = valueOf(label.charAt(in++));
                if (digit < 0 || digit > (Integer.MAX_VALUE - i) / w) {
                    return null;
                }
                i += digit * w;
                int t = k <= bias ? T_MIN : Math.min(k - bias, T_MAX);
                if (digit < t) {
                    break;
                }
                if (w > Integer.MAX_VALUE / (BASE - t)) {
                    return null;
                }
                w *= BASE - t;
            }
            bias = adapt(i - old, count + 1, old == 0);
            if (i / (count + 1) > Character.MAX_CODE_POINT - n) {
                return null;
            }
            n += i / (count + 1);
            i %= count + 1;
            if (n < INITIAL_N || (n >= Character.MIN_SURROGATE && n <= Character.MAX_SURROGATE)) {
                return null;
            }
            System.arraycopy(points, i, points, i + 1, count - i);
            points[i++] = n;
            count++;
        }
        return new String(points, 0, count);
    }

    private static int valueOf(char c) {
        if (c >= 'a' && c <= 'z') {
            return c - 'a';
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 26;
        }
        return -1;
    }

    private static char digit(int d) {
        return (char) (d < 26 ? 'a' + d : '0' + d - 26);
    }
}
