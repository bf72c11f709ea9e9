package dev.cognigyops.support;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The canonical form content hashes are taken of (flow {@code contentHash}, retrain
 * {@code payloadHash}): RFC 8785, the JSON Canonicalization Scheme (JCS), so that anyone can
 * recompute a hash with any RFC 8785 implementation and {@code sha256sum}.
 *
 * <ul>
 *   <li>no whitespace outside strings; array order kept; {@code null}, {@code true},
 *       {@code false} as written;</li>
 *   <li>object members sorted by their names' UTF-16 code units ({@link String#compareTo}), at
 *       every depth (§3.2.3);</li>
 *   <li>strings as ECMAScript {@code JSON.stringify} writes them (§3.2.2.2): {@code \b \t \n \f
 *       \r \" \\}, the other controls below U+0020 as <code>&#92;u00xx</code> in lower-case hex, every
 *       other character literal; a lone surrogate cannot be put in UTF-8 and is refused (I-JSON,
 *       §3.1);</li>
 *   <li>numbers as ECMAScript {@code Number.prototype.toString} writes the IEEE-754 double they
 *       denote (§3.2.2.3): an integer is first made a double, as a JavaScript parser would, so
 *       integers beyond 2<sup>53</sup> lose precision exactly as they do there; {@code -0} is
 *       {@code 0}; NaN and the infinities (e.g. {@code 1e400}) are refused;</li>
 *   <li>the UTF-8 bytes of that text are hashed.</li>
 * </ul>
 *
 * <p>Why written here and not taken from Maven Central: the Java implementation there
 * ({@code io.github.erdtman:java-json-canonicalization}) was last released in 2018, against a draft
 * of the RFC, and parses JSON text with its own parser, while we hold Jackson trees. What needs
 * care is the number: Java 17's {@code Double.toString} does not always give the shortest digits
 * (JDK-4511638, fixed in Java 19), so {@link #number(double)} finds them itself from the double's
 * exact value with {@link BigDecimal}: for k digits it takes the k-digit decimals just below and
 * just above the value and keeps those that read back as the same double; the least k that keeps
 * one, and of two the closer (on a tie the even one), is the digit choice ECMAScript prescribes.
 * The tests hold it to the RFC's Appendix B table, to the RFC authors' input/output pairs, and to
 * the published checksums of their generated number corpus.
 */
public final class CanonicalJson {

    private CanonicalJson() {
    }

    /** The RFC 8785 text of a value; {@code null} and a missing node are JSON {@code null}. */
    public static String canonical(JsonNode value) {
        var out = new StringBuilder();
        write(value, out);
        return out.toString();
    }

    /** Lower-case hex SHA-256 of the canonical form's UTF-8 bytes. */
    public static String sha256(JsonNode value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical(value).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null); // String.compareTo: UTF-16 code units, as §3.2.3 asks
            out.append('{');
            for (int i = 0; i < names.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                string(names.get(i), out);
                out.append(':');
                write(node.get(names.get(i)), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                write(node.get(i), out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            // doubleValue(): the nearest double for every node kind (int, long, BigInteger, BigDecimal)
            out.append(number(node.doubleValue()));
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isTextual()) {
            string(node.textValue(), out);
        } else {
            throw new IllegalArgumentException("JSON has no canonical form for a " + node.getNodeType() + " node");
        }
    }

    /** §3.2.2.2: a JSON string as ECMAScript's JSON.stringify writes it. */
    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                            && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        throw new IllegalArgumentException(String.format(
                                "a string holds a lone surrogate U+%04X at index %d; it has no UTF-8 form", (int) c, i));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** §3.2.2.3: ECMAScript Number.prototype.toString of a finite double. */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new IllegalArgumentException("JSON has no " + d + "; RFC 8785 refuses NaN and the infinities");
        }
        if (d == 0) {
            return "0"; // -0 too
        }
        if (d < 0) {
            return "-" + number(-d);
        }
        BigDecimal shortest = shortestDigits(d);
        String digits = shortest.unscaledValue().toString(); // s, k digits, no trailing zero
        int k = digits.length();
        int n = k - shortest.scale(); // value = 0.digits × 10^n
        var out = new StringBuilder(32);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(n - 1 < 0 ? '-' : '+').append(Math.abs(n - 1));
        }
        return out.toString();
    }

    /**
     * The decimal with the fewest significant digits that reads back as {@code d} (positive,
     * finite); of two such with as many digits, the one closer to {@code d}, and on a tie the one
     * whose digits end even. Trailing zeros stripped.
     *
     * <p>Only the k-digit decimals just below and just above {@code d} can be the answer at k digits
     * (the doubles that read back as {@code d} form an interval around it). If one of them reads back
     * at k digits, one does at k + 1 too (each lies between its k-digit namesake and {@code d}), so
     * the fewest digits are found by bisection over 1..17; 17 digits always suffice.
     */
    private static BigDecimal shortestDigits(double d) {
        BigDecimal exact = new BigDecimal(d);
        int low = 1;
        int high = 17;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (closestThatReadsBack(exact, d, mid) != null) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        BigDecimal best = closestThatReadsBack(exact, d, low);
        if (best == null) {
            throw new IllegalStateException("17 significant digits always identify a double; " + d + " had none");
        }
        return best.stripTrailingZeros();
    }

    /** Of the k-digit decimals just below and just above {@code exact}, the closer that reads back as {@code d}. */
    private static BigDecimal closestThatReadsBack(BigDecimal exact, double d, int k) {
        BigDecimal below = exact.round(new MathContext(k, RoundingMode.FLOOR));
        BigDecimal above = exact.round(new MathContext(k, RoundingMode.CEILING));
        boolean belowFits = below.doubleValue() == d;
        boolean aboveFits = above.doubleValue() == d;
        if (belowFits && aboveFits) {
            int side = exact.subtract(below).compareTo(above.subtract(exact));
            if (side == 0) {
                // equally close: the even s (its k digits as rounded, before zeros are stripped)
                return below.unscaledValue().testBit(0) ? above : below;
            }
            return side < 0 ? below : above;
        }
        return belowFits ? below : aboveFits ? above : null;
    }
}
