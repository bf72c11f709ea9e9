package dev.cognigyops.nluexport;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A download's body as a stream whose every read waits at most the idle timeout for the next bytes.
 *
 * <p>The JDK client's request timeout ends when the headers arrive: a body that stalls after them
 * (a server or a proxy that keeps the connection open and sends nothing) would block its reader for
 * ever, and the S3 upload fed by it with it. Here the body is taken from the client's publisher one
 * list of buffers at a time; a read that gets nothing for {@code idle} cancels the transfer and
 * fails with an {@link HttpTimeoutException} naming the wait, which the download's retry treats as
 * a broken-off transfer (a new download).
 */
final class DownloadBody extends InputStream implements Flow.Subscriber<List<ByteBuffer>> {

    private static final Object END = new Object();

    private final Duration idle;
    private final BlockingQueue<Object> arrived = new LinkedBlockingQueue<>();
    private volatile Flow.Subscription subscription;
    private Iterator<ByteBuffer> buffers = Collections.emptyIterator();
    private ByteBuffer current;
    private boolean ended;
    private boolean closed;

    private DownloadBody(Duration idle) {
        this.idle = idle;
    }

    /** Subscribes to the client's body publisher; nothing is read before the first {@link #read}. */
    static DownloadBody of(Flow.Publisher<List<ByteBuffer>> publisher, Duration idle) {
        DownloadBody body = new DownloadBody(idle);
        publisher.subscribe(body);
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        arrived.add(item);
    }

    @Override
    public void onError(Throwable failure) {
        arrived.add(failure);
    }

    @Override
    public void onComplete() {
        arrived.add(END);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (closed) {
            throw new IOException("the download's body was closed");
        }
        if (length == 0) {
            return 0;
        }
        while (current == null || !current.hasRemaining()) {
            if (buffers.hasNext()) {
                current = buffers.next();
                continue;
            }
            if (ended) {
                return -1;
            }
            nextArrival();
        }
        int n = Math.min(length, current.remaining());
        current.get(into, offset, n);
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.remaining();
    }

    @SuppressWarnings("unchecked")
    private void nextArrival() throws IOException {
        Object next;
        try {
            next = arrived.poll(idle.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new IOException("interrupted while reading the download", e);
        }
        if (next == null) {
            cancel();
            throw new HttpTimeoutException("no byte of the download arrived for " + idle.toMillis() + " ms");
        }
        if (next == END) {
            ended = true;
        } else if (next instanceof Throwable failure) {
            ended = true;
            throw failure instanceof IOException io ? io : new IOException(failure.getMessage(), failure);
        } else {
            buffers = ((List<ByteBuffer>) next).iterator();
            subscription.request(1);
        }
    }

    private void cancel() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!ended) {
                cancel();
            }
        }
    }
}
