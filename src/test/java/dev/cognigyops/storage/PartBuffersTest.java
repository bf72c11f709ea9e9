package dev.cognigyops.storage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Part buffers are bounded in number and reused: a third transfer waits for one of two to be given back. */
class PartBuffersTest {

    @Test
    void noMoreThanTheMaximumExistAndAWaiterGetsTheOneGivenBack() throws Exception {
        PartBuffers buffers = new PartBuffers(16, 2);
        byte[] first = buffers.take();
        byte[] second = buffers.take();

        CompletableFuture<byte[]> third = CompletableFuture.supplyAsync(() -> {
            try {
                return buffers.take();
            } catch (java.io.InterruptedIOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(third).as("no third buffer is made").isNotDone();
        buffers.give(first);

        assertThat(third.get(5, TimeUnit.SECONDS)).isSameAs(first);
        assertThat(second).isNotSameAs(first).hasSize(16);
    }

    @Test
    void aBufferGivenBackIsReused() throws Exception {
        PartBuffers buffers = new PartBuffers(16, 4);
        byte[] buffer = buffers.take();
        buffers.give(buffer);

        assertThat(buffers.take()).isSameAs(buffer);
    }

    @Test
    void theHeapDecidesHowManyAtLeastOne() {
        assertThat(PartBuffers.forHeap(Integer.MAX_VALUE).max()).isEqualTo(1);
        assertThat(PartBuffers.forHeap(1024).max()).isGreaterThan(1);
    }
}
