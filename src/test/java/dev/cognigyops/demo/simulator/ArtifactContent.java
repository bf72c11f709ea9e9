package dev.cognigyops.demo.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Artifact bytes as a pseudo-random stream seeded by an id (an export, a snapshot): same id and size, same bytes. */
public final class ArtifactContent {

    private ArtifactContent() {}

    public static InputStream open(String exportId, long size) {
        return new SeededStream(seed(exportId), size);
    }

    public static byte[] bytes(String exportId, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("Artifact of " + size + " bytes is too large for an array; use its sha256");
        }
        try (InputStream in = open(exportId, size)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String sha256(String exportId, long size) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = open(exportId, size)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static long seed(String exportId) {
        byte[] hash = sha256().digest(exportId.getBytes(StandardCharsets.UTF_8));
        long seed = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            seed = (seed << 8) | (hash[i] & 0xff);
        }
        return seed;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final class SeededStream extends InputStream {
        private final SplittableRandom random;
        private long remaining;
        private long word;
        private int bytesLeftInWord;

        SeededStream(long seed, long size) {
            this.random = new SplittableRandom(seed);
            this.remaining = size;
        }

        @Override
        public int read() {
            if (remaining == 0) {
                return -1;
            }
            if (bytesLeftInWord == 0) {
                word = random.nextLong();
                bytesLeftInWord = Long.BYTES;
            }
            remaining--;
            bytesLeftInWord--;
            return (int) (word >>> (8 * bytesLeftInWord)) & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (remaining == 0) {
                return -1;
            }
            int count = (int) Math.min(length, remaining);
            for (int i = 0; i < count; i++) {
                buffer[offset + i] = (byte) read();
            }
            return count;
        }
    }
}
