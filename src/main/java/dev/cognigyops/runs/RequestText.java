package dev.cognigyops.runs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The bytes of a run request as text (docs: "Hostile input"): at most {@code maxBytes}, UTF-8 only,
 * a UTF-8 byte-order mark ignored. Anything else is refused with a problem a sender can act on: its
 * size and the limit, or the position of the first byte that is not UTF-8 (and the encoding it looks
 * like, when a byte-order mark says so).
 *
 * @param text    the request text, or null when refused
 * @param problem what is wrong, or null when the bytes are a request's text
 */
public record RequestText(String text, String problem) {

    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    public boolean isRefused() {
        return problem != null;
    }

    /** A request whose size alone refuses it, read no further. */
    public static RequestText tooLarge(long size, long maxBytes) {
        return new RequestText(null, "is " + size + " bytes, over the limit of " + maxBytes
                + " bytes (cognigy.requests.max-bytes); it was not read");
    }

    public static RequestText decode(byte[] bytes, long maxBytes) {
        if (bytes == null) {
            return new RequestText("", null);
        }
        if (bytes.length > maxBytes) {
            return tooLarge(bytes.length, maxBytes);
        }
        int start = startsWith(bytes, UTF8_BOM) ? UTF8_BOM.length : 0;
        String otherEncoding = otherByteOrderMark(bytes);
        if (otherEncoding != null) {
            return new RequestText(null, "is not UTF-8: it starts with the byte-order mark of " + otherEncoding
                    + "; send the request as UTF-8");
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length - start);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int offset = in.position();
            return new RequestText(null, "is not UTF-8: byte " + hex(bytes[offset]) + " at offset " + offset
                    + " (counting from 0) does not begin a valid UTF-8 sequence; send the request as UTF-8");
        }
        if (!result.isUnderflow()) {
            // cannot happen: the output buffer holds at least one char per input byte
            try {
                return new RequestText(decoder.reset().decode(ByteBuffer.wrap(bytes, start, bytes.length - start)).toString(), null);
            } catch (CharacterCodingException e) {
                return new RequestText(null, "is not UTF-8");
            }
        }
        out.flip();
        return new RequestText(out.toString(), null);
    }

    private static String otherByteOrderMark(byte[] b) {
        if (startsWith(b, new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF})) {
            return "UTF-32 (big-endian)";
        }
        if (startsWith(b, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0})) {
            return "UTF-32 (little-endian)";
        }
        if (startsWith(b, new byte[] {(byte) 0xFE, (byte) 0xFF})) {
            return "UTF-16 (big-endian)";
        }
        if (startsWith(b, new byte[] {(byte) 0xFF, (byte) 0xFE})) {
            return "UTF-16 (little-endian)";
        }
        return null;
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hex(byte b) {
        return String.format(Locale.ROOT, "0x%02X", b & 0xFF);
    }
}
