package dev.cognigyops.publish;

import org.apache.camel.CamelContext;
import org.apache.camel.support.LifecycleStrategySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the outbox with the service: it starts publishing once the routes run; when the service stops
 * (SIGTERM, or the context is stopped) what waits gets at most {@code cognigy.kafka.max-block-ms}
 * before the routes stop, the outbox keeps publishing what runs still finishing add (the route
 * {@code send-to-topic} stops last) but no longer waits to retry, and what is left is said once.
 * The stop is never held longer than that, plus one attempt under way.
 */
public final class OutboxLifecycle extends LifecycleStrategySupport {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxLifecycle.class);

    private final TopicOutbox outbox;

    public OutboxLifecycle(TopicOutbox outbox) {
        this.outbox = outbox;
    }

    @Override
    public void onContextStarted(CamelContext context) {
        outbox.start();
    }

    @Override
    public void onContextStopping(CamelContext context) {
        if (outbox.isClosed()) {
            return;
        }
        outbox.flush();
        outbox.stopRetrying();
    }

    @Override
    public void onContextStopped(CamelContext context) {
        if (outbox.isClosed()) {
            // the command line closed it and said what it could not publish
            return;
        }
        TopicOutbox.Unpublished left = outbox.close();
        if (!left.isEmpty()) {
            LOG.warn("stopping: {}", outbox.onDiskOnly(left));
        }
    }
}
