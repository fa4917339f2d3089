package io.visionhub.dataset;

import static io.visionhub.api.ApiRestConfiguration.apiError;
import static io.visionhub.api.ApiRestConfiguration.optionalQuery;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiAttachment;
import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiParams;
import io.visionhub.api.ApiRestConfiguration;
import io.visionhub.api.ApiRoles;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;

/**
 * {@code GET /api/datasets/export?from=&to=&line=&verdict=&format=yolo|coco&limit=}: recorded NG/UNCERTAIN frames
 * with the model's detections and the dispositions, as a zip for retraining. Roles QUALITY, ADMIN.
 */
public class DatasetRestRoutes extends RouteBuilder {

    public static final List<String> ROLES = List.of(ApiRoles.QUALITY, ApiRoles.ADMIN);

    private final DatasetExporter exporter;

    public DatasetRestRoutes(DatasetExporter exporter) {
        this.exporter = exporter;
    }

    @Override
    public void configure() {
        ApiErrorHandling.installJsonText(this);
        declareRest();
        from("direct:api-datasets-export").routeId("rest-datasets-export").process(this::export);
    }

    /** The REST verb (platform-http); tests of the route itself leave it out. */
    protected void declareRest() {
        ApiRestConfiguration.securedRest(this, "/datasets")
                .description("Datasets for retraining (the labelling loop)")
                .get("/export")
                .id("api-datasets-export")
                .bindingMode(RestBindingMode.off)
                .produces("application/zip")
                .description("Recorded frames with the model's detections as labels and the people's dispositions "
                        + "(so a labeller knows which labels to correct), as a zip in YOLO (images/, labels/*.txt, "
                        + "data.yaml) or COCO (images/, annotations.json) format, with metadata.jsonl and "
                        + "export.json. Oldest first; frames whose image is no longer stored are listed in "
                        + "export.json. " + ApiAccess.describe(ROLES))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param(optionalQuery("from", "captured at or after, ISO-8601 UTC (e.g. 2026-01-31T06:00:00Z)"))
                .param(optionalQuery("to", "captured before, ISO-8601 UTC"))
                .param(optionalQuery("line", "only this production line"))
                .param(optionalQuery(
                        "verdict", "model verdicts, comma-separated: NG, UNCERTAIN, OK " + "(default NG,UNCERTAIN)"))
                .param(optionalQuery("format", "yolo (default) or coco"))
                .param(optionalQuery(
                        "limit",
                        "most frames (1-" + DatasetSelection.MAX_LIMIT + ", default " + DatasetSelection.DEFAULT_LIMIT
                                + "); a larger selection is refused, not cut short"))
                .responseMessage()
                .code(200)
                .message("the dataset (application/zip)")
                .endResponseMessage()
                .responseMessage(apiError(
                        400,
                        "a parameter is malformed, or the selection is larger than limit "
                                + "(ApiError naming the parameter)"))
                .responseMessage(apiError(403, "the caller lacks QUALITY or ADMIN (ApiError)"))
                .to("direct:api-datasets-export");
    }

    private void export(Exchange ex) throws Exception {
        String user = ApiCaller.require(ex, ROLES, "exporting a dataset needs the role QUALITY or ADMIN");
        Instant from = ApiParams.instant(ex, "from");
        Instant to = ApiParams.instant(ex, "to");
        String line = ApiParams.optionalName(ex, "line");
        String verdict = ex.getMessage().getHeader("verdict", String.class);
        List<String> verdicts = verdict == null || verdict.isBlank()
                ? null
                : Arrays.stream(verdict.split(",")).filter(v -> !v.isBlank()).toList();
        String format = ApiParams.oneOf(ex, "format", DatasetSelection.FORMATS);
        int limit = ApiParams.integer(ex, "limit", DatasetSelection.DEFAULT_LIMIT, 1, DatasetSelection.MAX_LIMIT);
        DatasetSelection sel;
        try {
            sel = new DatasetSelection(from, to, line, verdicts, format, limit);
        } catch (DatasetSelection.Invalid e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        }
        String name = "visionhub-dataset-" + sel.format()
                + (line == null ? "" : "-" + line.replaceAll("[^A-Za-z0-9._-]", "_")) + ".zip";
        try {
            ApiAttachment.zip(ex, "visionhub-dataset-", name, out -> exporter.export(sel, user, out));
        } catch (DatasetSelection.Invalid e) {
            throw ApiException.badRequest(e.field(), e.getMessage());
        }
    }
}
