package dev.cognigyops.store;

import java.util.Optional;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

import dev.cognigyops.runs.CancelPoints;
import dev.cognigyops.runs.RunCancelled;
import dev.cognigyops.runs.RunContext;

/**
 * Delivers a run's cancel ({@link CancelRequests}) at its next call to Cognigy, once: the call's step
 * fails with {@link RunCancelled} before anything is sent, and the operation's own doCatch and
 * rollback steps take it as they take a failure of that call. Inside the steps that undo what a run
 * did ({@link CancelPoints.Role#HOLDS_OFF}) nothing is delivered. The dispatch's own steps make no
 * such call, so a cancel never reaches them.
 */
public final class CancelAtNextCall implements InterceptStrategy {

    /** Exchange property: how many undo steps the run is inside now. */
    static final String HELD_OFF = "cancelHeldOff";

    private final CancelRequests cancels;

    public CancelAtNextCall(CancelRequests cancels) {
        this.cancels = cancels;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        String uri = definition instanceof ToDefinition to ? to.getEndpointUri() : null;
        return switch (CancelPoints.of(definition.getId(), uri)) {
            case DELIVERS -> new Delivering(target, this);
            case HOLDS_OFF -> new HoldingOff(target);
            case NONE -> target;
        };
    }

    /** The cancel to deliver to the exchange's run now, if one is asked and may be delivered here. */
    public Optional<RunCancelled> due(Exchange exchange) {
        RunContext run = RunContext.of(exchange);
        if (run == null || run.cancelDelivered() != null || exchange.getProperty(HELD_OFF, 0, Integer.class) > 0) {
            return Optional.empty();
        }
        return cancels.of(run).map(CancelRequests::delivered);
    }

    /** For the poll loop's wait: a cancel waits to be delivered at the next read. */
    public boolean isDue(Exchange exchange) {
        return due(exchange).isPresent();
    }

    private static final class Delivering extends DelegateAsyncProcessor {

        private final CancelAtNextCall delivery;

        Delivering(Processor step, CancelAtNextCall delivery) {
            super(step);
            this.delivery = delivery;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            Optional<RunCancelled> cancel = delivery.due(exchange);
            if (cancel.isPresent() && RunContext.of(exchange).deliverCancel(cancel.get().getMessage())) {
                exchange.setException(cancel.get());
                callback.done(true);
                return true;
            }
            return processor.process(exchange, callback);
        }
    }

    private static final class HoldingOff extends DelegateAsyncProcessor {

        HoldingOff(Processor step) {
            super(step);
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            exchange.setProperty(HELD_OFF, exchange.getProperty(HELD_OFF, 0, Integer.class) + 1);
            return processor.process(exchange, doneSync -> {
                exchange.setProperty(HELD_OFF, Math.max(0, exchange.getProperty(HELD_OFF, 1, Integer.class) - 1));
                callback.done(doneSync);
            });
        }
    }
}
