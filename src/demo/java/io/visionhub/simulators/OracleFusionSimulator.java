package io.visionhub.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Oracle Fusion Cloud SCM simulator (REST, shared/reference/maximo-oracle.md): {@code maintenanceWorkOrders}
 * and {@code qualityIssues} under {@code /fscmRestApi/resources/11.13.18.05/}, {@code ?q=Field=value} finder,
 * Basic or OAuth2 bearer auth (token from {@code POST /oauth2/v1/token}), errors as
 * {@code {"title","status","o:errorDetails":[…]}} when {@code REST-Framework-Version} ≥ 4, else plain text.
 */
public final class OracleFusionSimulator extends HttpSimulator {

    public static final String RESOURCES = "/fscmRestApi/resources/11.13.18.05";
    public static final String WORK_ORDERS = RESOURCES + "/maintenanceWorkOrders";
    public static final String QUALITY_ISSUES = RESOURCES + "/qualityIssues";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ThreadLocal<Integer> FRAMEWORK_VERSION = ThreadLocal.withInitial(() -> 1);

    private final String user;
    private final String password;
    private final SimulatedDocuments workOrders =
            new SimulatedDocuments("maintenanceWorkOrders", 300_000_000_001L, "%d");
    private final SimulatedDocuments qualityIssues = new SimulatedDocuments("qualityIssues", 400_000_000_001L, "%d");
    private long nextIssueNumber = 1;

    public OracleFusionSimulator(String host, int port, String user, String password) {
        super(host, port);
        this.user = user;
        this.password = password;
    }

    public static OracleFusionSimulator onFreePort() {
        return new OracleFusionSimulator("127.0.0.1", 0, "visionhub.integration", "secret");
    }

    public static void main(String[] args) {
        new OracleFusionSimulator(
                        "0.0.0.0",
                        args.length > 0 ? Integer.parseInt(args[0]) : 8093,
                        "visionhub.integration",
                        "secret")
                .start();
    }

    @Override
    public String displayName() {
        return "Oracle Fusion simulator";
    }

    public SimulatedDocuments workOrders() {
        return workOrders;
    }

    public SimulatedDocuments qualityIssues() {
        return qualityIssues;
    }

    @Override
    protected SimResponse handle(SimRequest req) throws Exception {
        String version = req.header("REST-Framework-Version");
        FRAMEWORK_VERSION.set(version == null ? 1 : parseIntOr(version, 1));
        if ("/oauth2/v1/token".equals(req.path()) && "POST".equals(req.method())) {
            return issueToken(req);
        }
        String[] basic = req.basicCredentials();
        boolean authOk = basic != null ? user.equals(basic[0]) && password.equals(basic[1]) : validBearer(req);
        if (!authOk) {
            return error(401, "401", "Unauthorized").header("WWW-Authenticate", "Basic realm=\"Oracle Fusion\"");
        }
        String path = req.path();
        if (path.equals(WORK_ORDERS) || path.startsWith(WORK_ORDERS + "/")) {
            return collection(req, WORK_ORDERS, workOrders, "WorkOrderId", true);
        }
        if (path.equals(QUALITY_ISSUES) || path.startsWith(QUALITY_ISSUES + "/")) {
            return collection(req, QUALITY_ISSUES, qualityIssues, "IssueId", false);
        }
        return error(404, "404", "The requested URL " + path + " was not found on this server.");
    }

    private SimResponse collection(
            SimRequest req, String base, SimulatedDocuments docs, String idField, boolean workOrder) {
        String tail = req.path().substring(base.length());
        if (tail.isEmpty() && "POST".equals(req.method())) {
            JsonNode body = req.json();
            SimResponse invalid = workOrder ? validateWorkOrder(body) : validateIssue(body);
            if (invalid != null) {
                return invalid;
            }
            Map<String, Object> fields = JSON.convertValue(body, Map.class);
            synchronized (this) {
                if (workOrder
                        && body.hasNonNull("WorkOrderNumber")
                        && !docs.findBy(
                                        "WorkOrderNumber",
                                        body.get("WorkOrderNumber").asText())
                                .isEmpty()) {
                    return error(
                            400,
                            "EAM-WO-DUP",
                            "The work order number "
                                    + body.get("WorkOrderNumber").asText() + " already exists in the organization.");
                }
                SimulatedDocuments.Document doc = docs.create(idField, fields);
                fields.put(idField, Long.parseLong(doc.number()));
                if (workOrder) {
                    fields.putIfAbsent(
                            "WorkOrderNumber",
                            "WO" + doc.number().substring(doc.number().length() - 6));
                    fields.putIfAbsent("WorkOrderStatusCode", "ORA_UNRELEASED");
                } else {
                    fields.put("IssueNumber", String.format("QI%06d", nextIssueNumber++));
                    fields.putIfAbsent("StatusCode", "ORA_NEW");
                }
                Map<String, Object> out = withLinks(base, doc);
                return SimResponse.json(201, out)
                        .header("Location", base + "/" + doc.number())
                        .asCreated();
            }
        }
        if (tail.isEmpty() && "GET".equals(req.method())) {
            Map<String, String> q = parseQ(req.param("q"));
            List<Object> items = new ArrayList<>();
            for (SimulatedDocuments.Document d : docs.matching(q)) {
                items.add(withLinks(base, d));
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("items", items);
            out.put("count", items.size());
            out.put("hasMore", false);
            out.put("limit", 25);
            out.put("offset", 0);
            out.put("links", List.of(Map.of("rel", "self", "href", base)));
            return SimResponse.json(200, out);
        }
        if (tail.startsWith("/") && "GET".equals(req.method())) {
            String id = tail.substring(1);
            return docs.get(id)
                    .map(d -> SimResponse.json(200, withLinks(base, d)))
                    .orElseGet(() -> error(404, "404", "The requested resource " + id + " does not exist."));
        }
        return error(405, "405", "Method " + req.method() + " is not allowed on " + req.path());
    }

    private static Map<String, Object> withLinks(String base, SimulatedDocuments.Document d) {
        Map<String, Object> out = new LinkedHashMap<>(d.fields());
        out.put(
                "links",
                List.of(Map.of("rel", "self", "href", base + "/" + d.number(), "name", "self", "kind", "item")));
        return out;
    }

    private SimResponse validateWorkOrder(JsonNode body) {
        if (!body.hasNonNull("OrganizationId") && !body.hasNonNull("OrganizationCode")) {
            return error(400, "EAM-WO-ORG", "The value of the attribute OrganizationCode is required.");
        }
        for (String f : List.of("AssetNumber", "WorkOrderDescription")) {
            if (!body.hasNonNull(f)) {
                return error(400, "EAM-WO-REQ", "The value of the attribute " + f + " is required.");
            }
        }
        String status = body.path("WorkOrderStatusCode").asText("ORA_UNRELEASED");
        if (!List.of("ORA_UNRELEASED", "ORA_RELEASED", "ORA_ON_HOLD").contains(status)) {
            return error(400, "EAM-WO-STATUS", "The work order status " + status + " is not valid.");
        }
        return null;
    }

    private SimResponse validateIssue(JsonNode body) {
        for (String f : List.of("Name", "QualityTypeCode", "Severity", "OrganizationCode")) {
            if (!body.hasNonNull(f)) {
                return error(400, "QA-QI-REQ", "The value of the attribute " + f + " is required.");
            }
        }
        String severity = body.get("Severity").asText();
        if (!List.of("ORA_LOW", "ORA_MEDIUM", "ORA_HIGH", "ORA_CRITICAL").contains(severity)) {
            return error(400, "QA-QI-SEV", "The value " + severity + " of the attribute Severity is not valid.");
        }
        if (body.get("Name").asText().length() > 240) {
            return error(400, "QA-QI-LEN", "The value of the attribute Name exceeds 240 characters.");
        }
        return null;
    }

    /** {@code q=Field=value;Field2='value 2'} */
    static Map<String, String> parseQ(String q) {
        Map<String, String> out = new LinkedHashMap<>();
        if (q == null || q.isBlank()) {
            return out;
        }
        for (String term : q.split(";")) {
            int eq = term.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("URL request parameter q with value " + q + " is not valid.");
            }
            String v = term.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
                v = v.substring(1, v.length() - 1);
            }
            out.put(term.substring(0, eq).trim(), v);
        }
        return out;
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        if (FRAMEWORK_VERSION.get() >= 4) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put(
                    "type",
                    "http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec10.4." + Math.max(1, status - 399));
            e.put("title", status >= 500 ? "Internal Server Error" : status == 401 ? "Unauthorized" : "Bad Request");
            e.put("status", String.valueOf(status));
            e.put("o:errorDetails", List.of(Map.of("detail", message, "o:errorCode", code)));
            return SimResponse.json(status, e);
        }
        return SimResponse.text(status, message);
    }

    private static int parseIntOr(String s, int fallback) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
