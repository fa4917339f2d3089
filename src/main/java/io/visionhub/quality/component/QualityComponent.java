package io.visionhub.quality.component;

import io.visionhub.quality.QualityFeed;
import io.visionhub.quality.alarm.AlarmService;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code quality:} component: {@code to: quality:inspection} hands each recorded inspection to the hub's quality
 * concerns (line screen, quality rate, SPC, non-conformance rules) through the {@link QualityFeed};
 * {@code from: quality:alarms} gives each quality alarm raised or cleared (once recorded) to a route that publishes it.
 */
@Component("quality")
public class QualityComponent extends DefaultComponent {

    @Metadata(description = "The hub's quality feed; looked up in the registry by type when not set", autowired = true)
    private QualityFeed feed;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"inspection".equals(remaining) && !"alarms".equals(remaining)) {
            throw new IllegalArgumentException("quality endpoint " + uri + ": '" + remaining
                    + "' is not what it takes; use quality:inspection (to:, after ledger:record) or "
                    + "quality:alarms (from:)");
        }
        QualityEndpoint endpoint = new QualityEndpoint(uri, this);
        endpoint.setKind(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (feed == null) {
            feed = getCamelContext().getRegistry().findSingleByType(QualityFeed.class);
        }
        if (feed == null) {
            throw new IllegalStateException(
                    "quality: no QualityFeed in the registry (io.visionhub.quality.QualityConfiguration makes one)");
        }
    }

    /** The hub's alarm service, for {@code quality:alarms}; null when SPC is off. */
    AlarmService alarms() {
        return getCamelContext().getRegistry().findSingleByType(AlarmService.class);
    }

    public QualityFeed getFeed() {
        return feed;
    }

    public void setFeed(QualityFeed feed) {
        this.feed = feed;
    }
}
