package dev.cognigyops.http;

import java.io.IOException;

/** The body ended before the length the server announced: a broken transfer, retried like a reset. */
public class TruncatedDownloadException extends IOException {

    public TruncatedDownloadException(long received, long expected) {
        super("download truncated: received " + received + " of " + expected + " bytes announced by Content-Length");
    }
}
