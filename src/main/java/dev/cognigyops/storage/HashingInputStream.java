package dev.cognigyops.storage;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.cognigyops.calls.TruncatedDownloadException;

/**
 * Counts and SHA-256-hashes the bytes read through it, and fails with
 * {@link TruncatedDownloadException} when the source ends before its announced length (-1: unknown).
 */
final class HashingInputStream extends FilterInputStream {

    private final MessageDigest digest;
    private final long expected;
    private long count;

    HashingInputStream(InputStream in, long expected) {
        super(in);
        this.expected = expected;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() throws IOException {
        int b = readSource(() -> super.read());
        if (b < 0) {
            checkComplete();
        } else {
            digest.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int n = readSource(() -> super.read(buf, off, len));
        if (n < 0) {
            checkComplete();
        } else {
            digest.update(buf, off, n);
            count += n;
        }
        return n;
    }

    private interface Read {
        int read() throws IOException;
    }

    /** A failure of the source while reading is the download breaking off, whatever the client calls it. */
    private int readSource(Read read) throws IOException {
        try {
            return read.read();
        } catch (TruncatedDownloadException e) {
            throw e;
        } catch (IOException e) {
            throw new TruncatedDownloadException(count, expected, e);
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    void checkComplete() throws TruncatedDownloadException {
        if (expected >= 0 && count < expected) {
            throw new TruncatedDownloadException(count, expected);
        }
    }

    long count() {
        return count;
    }

    String sha256() {
        return HexFormat.of().formatHex(digest.digest());
    }
}
