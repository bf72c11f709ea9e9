package dev.cognigyops.storage;

import java.io.InterruptedIOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The part buffers of multipart uploads, shared by every run of the process and bounded in number,
 * so that the memory uploads hold does not grow with the runs going on at once: with the image's
 * {@code -Xmx128m} and eight exports of unknown length at once, a buffer (and two copies) per run
 * exhausted the heap and the JVM exited. A transfer that finds none free waits for one; buffers are
 * reused, not reallocated.
 */
final class PartBuffers {

    private final int size;
    private final int max;
    private final AtomicInteger created = new AtomicInteger();
    private final BlockingQueue<byte[]> free = new LinkedBlockingQueue<>();

    PartBuffers(int size, int max) {
        this.size = size;
        this.max = Math.max(1, max);
    }

    /** As many buffers as a quarter of the heap holds, at least one. */
    static PartBuffers forHeap(int size) {
        return new PartBuffers(size, (int) Math.min(Integer.MAX_VALUE, Runtime.getRuntime().maxMemory() / 4 / size));
    }

    int max() {
        return max;
    }

    /** A buffer: a free one, a new one while fewer than the maximum exist, else the next one given back. */
    byte[] take() throws InterruptedIOException {
        byte[] buffer = free.poll();
        if (buffer != null) {
            return buffer;
        }
        if (created.getAndUpdate(n -> n < max ? n + 1 : n) < max) {
            return new byte[size];
        }
        try {
            return free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for an upload buffer");
        }
    }

    void give(byte[] buffer) {
        free.offer(buffer);
    }
}
