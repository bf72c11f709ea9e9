package dev.cognigyops.triggers;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The first look at a Kafka record's value, before anything parses it (SPEC §10): a request is at
 * most {@code cognigy.requests.max-bytes} and is UTF-8, a byte-order mark ignored. Value in (the
 * record's bytes), value out: its text, or the one thing that makes it unreadable. A record larger
 * than the limit is not decoded at all.
 *
 * @param text      the request text (BOM removed); null when it is unreadable
 * @param violation what makes it unreadable, as {@code request: ...}; null when it is readable
 */
public record RecordScreen(String text, String violation) {

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    public static RecordScreen of(byte[] value, long maxBytes) {
        if (value == null) {
            return new RecordScreen("", null);
        }
        if (value.length > maxBytes) {
            return unreadable("is " + value.length + " bytes; at most " + maxBytes + " are accepted");
        }
        int start = hasBom(value) ? BOM.length : 0;
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(value, start, value.length - start);
        CharBuffer out = CharBuffer.allocate(value.length - start);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            // the buffer wraps the whole array, so its position is the bad byte's offset in the record
            return unreadable("is not UTF-8 (the byte at offset " + in.position() + " is not valid)");
        }
        decoder.flush(out);
        return new RecordScreen(out.flip().toString(), null);
    }

    public boolean isReadable() {
        return violation == null;
    }

    private static RecordScreen unreadable(String problem) {
        return new RecordScreen(null, "request: " + problem);
    }

    private static boolean hasBom(byte[] value) {
        return value.length >= BOM.length && value[0] == BOM[0] && value[1] == BOM[1] && value[2] == BOM[2];
    }
}
