package dev.cognigyops.calls;

import java.io.IOException;

/** The body ended, or broke off, before the length the server announced: a broken transfer, retried like a reset. */
public class TruncatedDownloadException extends IOException {

    public TruncatedDownloadException(long received, long expected) {
        super("download truncated: received " + received + " of " + expected + " bytes announced by Content-Length");
    }

    /** The source broke while being read. */
    public TruncatedDownloadException(long received, long expected, IOException cause) {
        super("download truncated: received " + received + (expected >= 0 ? " of " + expected : "")
                + " bytes, then the connection failed (" + cause.getMessage() + ")", cause);
    }
}
