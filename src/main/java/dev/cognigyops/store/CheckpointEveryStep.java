package dev.cognigyops.store;

import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

import dev.cognigyops.runs.OperationState;
import dev.cognigyops.runs.RunContext;

/**
 * Saves a run's state after every route step that sets it ({@code setProperty} named
 * {@value OperationState#PROPERTY}), before the next step starts: the operations' routes set their
 * state after each step that learns or changes something outside the program, so this is where a
 * checkpoint belongs, in every operation, without a checkpoint step written after each of them.
 */
public final class CheckpointEveryStep implements InterceptStrategy {

    private final DurableRuns durable;

    public CheckpointEveryStep(DurableRuns durable) {
        this.durable = durable;
    }

    @Override
    public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                                                 Processor nextTarget) {
        if (definition instanceof SetPropertyDefinition set && OperationState.PROPERTY.equals(set.getName())) {
            return new Checkpointing(target, durable);
        }
        return target;
    }

    private static final class Checkpointing extends DelegateAsyncProcessor {

        private final DurableRuns durable;

        Checkpointing(Processor step, DurableRuns durable) {
            super(step);
            this.durable = durable;
        }

        @Override
        public boolean process(Exchange exchange, AsyncCallback callback) {
            Object before = exchange.getProperty(OperationState.PROPERTY);
            return processor.process(exchange, doneSync -> {
                if (exchange.getException() == null) {
                    RunContext run = RunContext.of(exchange);
                    Object after = exchange.getProperty(OperationState.PROPERTY);
                    if (run != null && after instanceof OperationState next && after != before) {
                        try {
                            durable.checkpoint(run, before instanceof OperationState saved ? saved : null, next);
                        } catch (RuntimeException e) {
                            exchange.setException(e);
                        }
                    }
                }
                callback.done(doneSync);
            });
        }
    }
}
