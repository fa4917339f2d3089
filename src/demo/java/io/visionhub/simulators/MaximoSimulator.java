package io.visionhub.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IBM Maximo Manage simulator (REST/JSON API, shared/reference/maximo-oracle.md): object structure
 * {@code mxapiwodetail} under {@code /maximo/api/os/}, {@code apikey} header auth, {@code lean=1} names,
 * {@code properties} header to get the record back, {@code oslc.where}/{@code oslc.select} queries and the
 * {@code {"Error":{reasonCode,message,statusCode}}} error body.
 */
public final class MaximoSimulator extends HttpSimulator {

    public static final String WO_PATH = "/maximo/api/os/mxapiwodetail";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WHERE_TERM = Pattern.compile("\\s*(\\w+)\\s*=\\s*\"([^\"]*)\"\\s*");
    private static final Map<String, Integer> FIELDS = Map.ofEntries(
            Map.entry("siteid", 8),
            Map.entry("orgid", 8),
            Map.entry("description", 100),
            Map.entry("description_longdescription", 32000),
            Map.entry("assetnum", 12),
            Map.entry("location", 12),
            Map.entry("worktype", 5),
            Map.entry("wopriority", 0),
            Map.entry("status", 16),
            Map.entry("reportedby", 62),
            Map.entry("failurecode", 8),
            Map.entry("problemcode", 8),
            Map.entry("externalrefid", 20),
            Map.entry("wonum", 25),
            Map.entry("targstartdate", 0),
            Map.entry("classstructureid", 20));

    private final String apiKey;
    private final SimulatedDocuments workOrders = new SimulatedDocuments("mxapiwodetail", 1001L, "%d");

    public MaximoSimulator(String host, int port, String apiKey) {
        super(host, port);
        this.apiKey = apiKey;
    }

    public static MaximoSimulator onFreePort() {
        return new MaximoSimulator("127.0.0.1", 0, "maximo-demo-key");
    }

    public static void main(String[] args) {
        new MaximoSimulator("0.0.0.0", args.length > 0 ? Integer.parseInt(args[0]) : 8092, "maximo-demo-key").start();
    }

    @Override
    public String displayName() {
        return "Maximo simulator";
    }

    public SimulatedDocuments workOrders() {
        return workOrders;
    }

    @Override
    protected SimResponse handle(SimRequest req) throws Exception {
        if (!apiKey.equals(req.header("apikey"))) {
            return error(
                    401, "BMXAA0021E", "BMXAA0021E - User name and password combination are not valid. Try again.");
        }
        String path = req.path();
        if (path.equals(WO_PATH)) {
            if ("POST".equals(req.method())) {
                return create(req);
            }
            if ("GET".equals(req.method())) {
                return query(req);
            }
            return error(405, "BMXAA9379E", "BMXAA9379E - The HTTP method " + req.method() + " is not supported");
        }
        if (path.startsWith(WO_PATH + "/") && "GET".equals(req.method())) {
            String wonum = restIdToWonum(path.substring(WO_PATH.length() + 1));
            return workOrders
                    .get(wonum)
                    .map(d -> SimResponse.json(200, record(req, d, "*")))
                    .orElseGet(() -> error(
                            404,
                            "BMXAA8727E",
                            "BMXAA8727E - The OSLC resource mxapiwodetail with the ID "
                                    + path.substring(WO_PATH.length() + 1)
                                    + " was not found as it does not exist in the system."));
        }
        return error(404, "BMXAA8725E", "BMXAA8725E - The OSLC resource " + path + " is not supported.");
    }

    private SimResponse create(SimRequest req) {
        JsonNode body = req.json();
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            Integer max = FIELDS.get(name);
            if (max == null) {
                return error(
                        400,
                        "BMXAA3589E",
                        "BMXAA3589E - The attribute " + name.toUpperCase() + " does not exist in object WORKORDER.");
            }
            if (max > 0 && body.get(name).isTextual() && body.get(name).asText().length() > max) {
                return error(
                        400,
                        "BMXAA4191E",
                        "BMXAA4191E - The value for " + name.toUpperCase() + " exceeds the maximum length of " + max
                                + ".");
            }
        }
        if (!body.hasNonNull("siteid")) {
            return error(
                    400, "BMXAA4195E", "BMXAA4195E - A value is required for the Site field on the WORKORDER object.");
        }
        if (body.has("wopriority") && !body.get("wopriority").canConvertToInt()) {
            return error(
                    400,
                    "BMXAA4049E",
                    "BMXAA4049E - The value specified " + body.get("wopriority") + " is not an integer.");
        }
        Map<String, Object> fields = JSON.convertValue(body, Map.class);
        fields.putIfAbsent("status", "WAPPR");
        SimulatedDocuments.Document doc = workOrders.create("wonum", fields);
        fields.put("workorderid", Long.parseLong(doc.number()) + 50_000L);
        String href = baseUrl() + WO_PATH + "/" + restId(doc);
        fields.put("href", href);
        String properties = req.header("properties");
        SimResponse resp =
                properties == null ? SimResponse.empty(201) : SimResponse.json(201, record(req, doc, properties));
        return resp.header("Location", href).asCreated();
    }

    private SimResponse query(SimRequest req) {
        Map<String, String> where = new LinkedHashMap<>();
        String raw = req.param("oslc.where");
        if (raw != null && !raw.isBlank()) {
            for (String term : raw.split("(?i)\\s+and\\s+")) {
                Matcher m = WHERE_TERM.matcher(term);
                if (!m.matches()) {
                    return error(400, "BMXAA8740E", "BMXAA8740E - The oslc.where clause " + raw + " is not valid.");
                }
                where.put(m.group(1), m.group(2));
            }
        }
        String select = req.param("oslc.select") == null ? "*" : req.param("oslc.select");
        List<Object> members = new ArrayList<>();
        for (SimulatedDocuments.Document d : workOrders.matching(where)) {
            members.add(record(req, d, select));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("member", members);
        out.put("href", baseUrl() + WO_PATH);
        out.put("responseInfo", Map.of("totalCount", members.size(), "href", baseUrl() + WO_PATH));
        return SimResponse.json(200, out);
    }

    private Map<String, Object> record(SimRequest req, SimulatedDocuments.Document d, String properties) {
        Map<String, Object> out = new LinkedHashMap<>();
        if ("*".equals(properties.trim())) {
            out.putAll(d.fields());
        } else {
            for (String p : properties.split(",")) {
                Object v = d.fields().get(p.trim());
                if (v != null) {
                    out.put(p.trim(), v);
                }
            }
        }
        out.put("href", d.fields().get("href"));
        out.put("_rowstamp", String.valueOf(d.createdNanos() % 10_000_000));
        return out;
    }

    private static String restId(SimulatedDocuments.Document d) {
        return "_"
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString((d.fields().get("siteid") + "/" + d.number()).getBytes(StandardCharsets.UTF_8));
    }

    private static String restIdToWonum(String restId) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(restId.substring(1)), StandardCharsets.UTF_8);
            return decoded.substring(decoded.indexOf('/') + 1);
        } catch (RuntimeException e) {
            return restId;
        }
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("reasonCode", code);
        e.put("message", message);
        e.put("statusCode", String.valueOf(status));
        e.put("extendedError", Map.of("moreInfo", Map.of("href", "/maximo/api/error/messages/" + code)));
        return SimResponse.json(status, Map.of("Error", e));
    }
}
