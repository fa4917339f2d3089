package io.visionhub.web;

import io.visionhub.web.LineViews.Alarm;
import io.visionhub.web.LineViews.Rate;
import io.visionhub.web.LineViews.Result;
import io.visionhub.web.LineViews.State;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * The line screen's live updates as SSE messages: HTML fragments of {@code templates/line-live.html} (the same ones
 * the page is built from) marked as htmx out-of-band swaps, so the htmx SSE extension puts each where it belongs.
 * Rendered once per event and line, whatever the number of browsers.
 */
public class LineFragments {

    private static final String TEMPLATE = "line-live";

    private final ITemplateEngine engine;

    public LineFragments(ITemplateEngine engine) {
        this.engine = engine;
    }

    /** New results of one or more stations (one message for a burst). */
    LiveStream.Message inspections(List<LineViews.StationUpdate> updates, LineViews.Context ctx) {
        return message("inspection", "sse-inspection", Map.of("updates", updates, "ctx", ctx));
    }

    LiveStream.Message rates(Map<String, Rate> byDomId) {
        return message("rate", "sse-rates", Map.of("rates", byDomId));
    }

    LiveStream.Message disposition(Result r) {
        return message("disposition", "sse-disposition", Map.of("r", r));
    }

    LiveStream.Message alarms(List<Alarm> alarms, boolean available) {
        return message("alarm", "sse-alarms", Map.of("alarms", alarms, "alarmsAvailable", available));
    }

    LiveStream.Message states(List<State> states) {
        return message("state", "sse-states", Map.of("states", states));
    }

    private LiveStream.Message message(String event, String fragment, Map<String, Object> vars) {
        Context ctx = new Context(Locale.ROOT, vars);
        ctx.setVariable("oob", true);
        String html = engine.process(TEMPLATE, Set.of(fragment), ctx);
        // one SSE data line: HTML needs no line breaks
        return new LiveStream.Message(event, html.replace('\r', ' ').replace('\n', ' '));
    }
}
