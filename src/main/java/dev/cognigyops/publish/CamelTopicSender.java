package dev.cognigyops.publish;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * The outbox's sender in the application: hands a batch to the route {@code direct:send-to-topic}
 * ({@code routes/platform/run-requests.camel.yaml}) as a list of messages, each naming its topic and key, and
 * fails when Kafka did not acknowledge them all.
 */
public final class CamelTopicSender implements TopicOutbox.Sender {

    public static final String ENDPOINT = "direct:send-to-topic";

    private final CamelContext context;
    private ProducerTemplate template;

    public CamelTopicSender(CamelContext context) {
        this.context = context;
    }

    @Override
    public void send(List<TopicOutbox.Item> batch) throws Exception {
        List<Message> records = new ArrayList<>(batch.size());
        for (TopicOutbox.Item item : batch) {
            Message record = new DefaultMessage(context);
            record.setBody(item.value());
            record.setHeader(KafkaConstants.KEY, item.key());
            record.setHeader(KafkaConstants.OVERRIDE_TOPIC, item.topic());
            records.add(record);
        }
        Exchange done = template().send(ENDPOINT, exchange -> exchange.getMessage().setBody(records));
        if (done.getException() != null) {
            throw done.getException();
        }
    }

    private ProducerTemplate template() {
        // only the outbox's one thread sends
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }
}
