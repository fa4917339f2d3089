package io.visionhub.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SAP S/4HANA simulator (OData V2 and V4), faithful to shared/reference/sap-odata.md:
 * <ul>
 *   <li>{@code API_MAINTNOTIFICATION/MaintenanceNotification} (PM notifications, V2, deep insert {@code to_Item}),</li>
 *   <li>{@code api_qualitynotification/.../QualityNotification} (QM notifications, V4, items {@code _QualityNotificationItem}),</li>
 *   <li>{@code API_INSPECTIONLOT_SRV/A_InspectionResult} and {@code A_InspLotUsageDecision},</li>
 *   <li>{@code API_DEFECT_SRV/A_Defect} (QM defects against an inspection lot, V2; SAP assigns DefectInternalID),</li>
 *   <li>{@code API_PRODUCTION_ORDER_2_SRV/A_ProductionOrder_2} (read, for the production order sync).</li>
 * </ul>
 * CSRF flow: GET/HEAD of a service root or {@code $metadata} with {@code X-CSRF-Token: Fetch} returns the token
 * and sets {@code SAP_SESSIONID_<SID>_<client>} and {@code sap-XSRF_<SID>_<client>} cookies; a write without a
 * valid token and session cookie gets 403, {@code X-CSRF-Token: Required}, "CSRF token validation failed".
 * Auth: Basic (user/password) or a Bearer token from {@code POST /oauth/token} (client credentials).
 * {@code sap-client} other than the configured client is refused with 401. Lookups: {@code $filter=F eq 'v'}.
 * A service can be switched off ({@link #deactivateService}): every request to it, the token fetch included,
 * then gets 404 /IWFND/MED/170 as from a gateway where the service is not activated.
 */
public final class SapSimulator extends HttpSimulator {

    public static final String PM_SERVICE = "/sap/opu/odata/sap/API_MAINTNOTIFICATION";
    public static final String QN_SERVICE =
            "/sap/opu/odata4/sap/api_qualitynotification/srvd_a2x/sap/qualitynotification/0001";
    public static final String INSPLOT_SERVICE = "/sap/opu/odata/sap/API_INSPECTIONLOT_SRV";
    public static final String PRODORDER_SERVICE = "/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV";
    public static final String DEFECT_SERVICE = "/sap/opu/odata/sap/API_DEFECT_SRV";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Creatable header fields of MaintenanceNotification with their maximum lengths (0 = not a string). */
    private static final Map<String, Integer> PM_FIELDS = Map.ofEntries(
            Map.entry("NotificationText", 40),
            Map.entry("NotificationType", 2),
            Map.entry("MaintPriority", 1),
            Map.entry("TechnicalObject", 40),
            Map.entry("TechObjIsEquipOrFuncnlLoc", 9),
            Map.entry("MaintenancePlanningPlant", 4),
            Map.entry("MainWorkCenter", 8),
            Map.entry("MainWorkCenterPlant", 4),
            Map.entry("ReportedByUser", 12),
            Map.entry("MalfunctionEffect", 1),
            Map.entry("MalfunctionStartDate", 0),
            Map.entry("MalfunctionStartTime", 0),
            Map.entry("MalfunctionEndDate", 0),
            Map.entry("MalfunctionEndTime", 0),
            Map.entry("MaintenanceObjectIsDown", 0),
            Map.entry("MaintNotificationCode", 4),
            Map.entry("MaintNotificationCodeGroup", 8),
            Map.entry("MaintNotifLongTextForEdit", 1333),
            Map.entry("MaintNotifExtReferenceNumber", 20),
            Map.entry("RequiredStartDate", 0),
            Map.entry("RequiredEndDate", 0),
            Map.entry("MaintNotifDetectionCode", 4),
            Map.entry("MaintNotifDetectionCodeGroup", 8),
            Map.entry("to_Item", 0));

    private static final Map<String, Integer> PM_ITEM_FIELDS = Map.of(
            "MaintNotifDamageCodeGroup",
            8,
            "MaintNotificationDamageCode",
            4,
            "MaintNotifObjPrtCodeGroup",
            8,
            "MaintNotifObjPrtCode",
            4,
            "MaintNotifItemText",
            40);
    private static final Set<String> PM_TYPES = Set.of("M1", "M2", "M3");
    /** QualityNotification fields (V4; the reference marks the field list UNCONFIRMED). */
    private static final Map<String, Integer> QN_FIELDS = Map.ofEntries(
            Map.entry("NotificationType", 2),
            Map.entry("NotificationText", 40),
            Map.entry("NotificationPriority", 1),
            Map.entry("Material", 40),
            Map.entry("Plant", 4),
            Map.entry("Batch", 10),
            Map.entry("ManufacturingOrder", 12),
            Map.entry("InspectionLot", 12),
            Map.entry("WorkCenter", 8),
            Map.entry("ReportedByUser", 12),
            Map.entry("NotificationLongText", 1333),
            Map.entry("QltyNotifExternalReference", 40),
            Map.entry("_QualityNotificationItem", 0));

    private static final Set<String> QN_TYPES = Set.of("Q1", "Q2", "Q3");
    /** Fields of a QualityNotificationItem (defect item; the reference marks the field list UNCONFIRMED). */
    private static final Map<String, Integer> QN_ITEM_FIELDS =
            Map.of("DefectCodeGroup", 8, "DefectCode", 4, "DefectText", 40, "DefectiveQuantity", 0, "DefectClass", 2);
    /** {@code /QualityNotification('<number>')/_QualityNotificationItem}: the items of one notification. */
    private static final java.util.regex.Pattern QN_ITEMS =
            java.util.regex.Pattern.compile("/QualityNotification\\('([^']*)'\\)/_QualityNotificationItem");
    /** Creatable A_Defect fields with their maximum lengths (0 = not a string or a decimal as string). */
    private static final Map<String, Integer> DEFECT_FIELDS = Map.ofEntries(
            Map.entry("DefectText", 40),
            Map.entry("DefectCategory", 2),
            Map.entry("DefectCodeCatalog", 1),
            Map.entry("DefectCodeGroup", 8),
            Map.entry("DefectCode", 4),
            Map.entry("DefectClass", 2),
            Map.entry("DefectiveQuantity", 0),
            Map.entry("DefectiveQuantityUnit", 3),
            Map.entry("NumberOfDefects", 0),
            Map.entry("Material", 40),
            Map.entry("Plant", 4),
            Map.entry("ManufacturingOrder", 12),
            Map.entry("ManufacturingOrderOperation", 4),
            Map.entry("InspectionLot", 12),
            Map.entry("InspPlanOperationInternalID", 8),
            Map.entry("InspectionCharacteristic", 4),
            Map.entry("Equipment", 18),
            Map.entry("MainWorkCenter", 8),
            Map.entry("MainWorkCenterPlant", 4));
    /** Defect categories of standard configuration (06 = generic defect; the others UNCONFIRMED). */
    private static final Set<String> DEFECT_CATEGORIES = Set.of("01", "02", "03", "04", "05", "06", "07");

    private final String systemId;
    private final String sapClient;
    private final String user;
    private final String password;
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final Set<String> deactivated = ConcurrentHashMap.newKeySet();

    private final SimulatedDocuments maintenanceNotifications =
            new SimulatedDocuments("MaintenanceNotification", 10_000_000L, "%012d");
    private final SimulatedDocuments qualityNotifications =
            new SimulatedDocuments("QualityNotification", 200_000_000L, "%012d");
    private final SimulatedDocuments inspectionResults = new SimulatedDocuments("A_InspectionResult", 1L, "%d");
    private final SimulatedDocuments usageDecisions = new SimulatedDocuments("A_InspLotUsageDecision", 1L, "%d");
    private final SimulatedDocuments productionOrders =
            new SimulatedDocuments("A_ProductionOrder_2", 1_000_000L, "%012d");
    private final SimulatedDocuments defects = new SimulatedDocuments("A_Defect", 1L, "%012d");

    public SapSimulator(String host, int port, String systemId, String sapClient, String user, String password) {
        super(host, port);
        this.systemId = systemId;
        this.sapClient = sapClient;
        this.user = user;
        this.password = password;
    }

    /** A simulator on a free port of localhost, system VHS client 100, user VISIONHUB / secret. */
    public static SapSimulator onFreePort() {
        return new SapSimulator("127.0.0.1", 0, "VHS", "100", "VISIONHUB", "secret");
    }

    public static void main(String[] args) {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8091;
        SapSimulator sim = new SapSimulator("0.0.0.0", port, "VHS", "100", "VISIONHUB", "secret");
        sim.seedDemoProductionOrders();
        sim.start();
    }

    @Override
    public String displayName() {
        return "SAP simulator";
    }

    public String sapClient() {
        return sapClient;
    }

    public SimulatedDocuments maintenanceNotifications() {
        return maintenanceNotifications;
    }

    public SimulatedDocuments qualityNotifications() {
        return qualityNotifications;
    }

    public SimulatedDocuments inspectionResults() {
        return inspectionResults;
    }

    public SimulatedDocuments usageDecisions() {
        return usageDecisions;
    }

    public SimulatedDocuments productionOrders() {
        return productionOrders;
    }

    public SimulatedDocuments defects() {
        return defects;
    }

    /** Switches a service off (as not activated in /IWFND/MAINT_SERVICE): everything under it answers 404. */
    public void deactivateService(String servicePath) {
        deactivated.add(servicePath);
    }

    public void activateService(String servicePath) {
        deactivated.remove(servicePath);
    }

    /** Token fetches answered per service root, failed ones included. */
    public int csrfFetches(String servicePath) {
        return csrfFetchesByService.getOrDefault(servicePath, 0);
    }

    private final Map<String, Integer> csrfFetchesByService = new ConcurrentHashMap<>();

    /** Number of CSRF token fetches answered (tests check that a refresh happened). */
    public int csrfFetches() {
        return csrfFetches;
    }

    private volatile int csrfFetches;

    /** Adds a production order as A_ProductionOrder_2 would show it. */
    public void addProductionOrder(
            String order,
            String material,
            String plant,
            String quantity,
            boolean released,
            boolean technicallyCompleted) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("ManufacturingOrderType", "YN01");
        f.put("Material", material);
        f.put("ProductionPlant", plant);
        f.put("ProductionVersion", "0001");
        f.put("TotalQuantity", quantity);
        f.put("ProductionUnit", "PC");
        f.put("MfgOrderPlannedStartDate", edmDateTime(Instant.now()));
        f.put("OrderIsReleased", released);
        f.put("OrderIsTechnicallyCompleted", technicallyCompleted);
        productionOrders.createWithNumber(order, withOrder(f, order));
    }

    /** Marks a production order technically completed (the quality summary push picks it up). */
    public void completeProductionOrder(String order) {
        productionOrders.get(order).ifPresent(d -> d.fields().put("OrderIsTechnicallyCompleted", true));
    }

    public void seedDemoProductionOrders() {
        addProductionOrder("000001000001", "DEMO-PART-A", "1000", "500", true, false);
        addProductionOrder("000001000002", "DEMO-PART-B", "1000", "250", true, false);
        addProductionOrder("000001000003", "DEMO-PART-A", "1000", "100", false, false);
    }

    private static Map<String, Object> withOrder(Map<String, Object> f, String order) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ManufacturingOrder", order);
        out.putAll(f);
        return out;
    }

    @Override
    protected void expireSessions() {
        sessions.clear();
    }

    /** Drops every CSRF session (the next write gets 403 and the client must fetch a new token). */
    public void expireCsrfTokens() {
        sessions.clear();
    }

    @Override
    protected SimResponse handle(SimRequest req) throws Exception {
        String path = req.path();
        if ("/oauth/token".equals(path) && "POST".equals(req.method())) {
            return issueToken(req);
        }
        if (!authenticated(req)) {
            return error(401, "/IWFND/CM_CONSUMER/401", "Logon failed: user, password or token not valid")
                    .header(
                            "WWW-Authenticate",
                            "Basic realm=\"SAP NetWeaver Application Server [" + systemId + "/" + sapClient + "]\"");
        }
        String client = req.param("sap-client");
        if (client != null && !client.equals(sapClient)) {
            return error(
                    401,
                    "/IWFND/CM_CONSUMER/401",
                    "Logon failed: client " + client + " does not exist in system " + systemId);
        }
        String service = serviceOf(path);
        if (service != null && "Fetch".equalsIgnoreCase(req.header("X-CSRF-Token")) && !req.isWrite()) {
            csrfFetchesByService.merge(service, 1, Integer::sum);
        }
        if (service == null || deactivated.contains(service)) {
            String name = service == null ? path : service.substring(service.lastIndexOf('/') + 1);
            return error(
                    404,
                    "/IWFND/MED/170",
                    "No service found for namespace '/SAP/', name '" + name + "', version '0001'");
        }
        String rest = path.substring(service.length());
        boolean v4 = service.equals(QN_SERVICE);
        if ("Fetch".equalsIgnoreCase(req.header("X-CSRF-Token")) && !req.isWrite()) {
            return csrfFetch(req, service, rest, v4);
        }
        if (req.isWrite() && !csrfValid(req)) {
            return SimResponse.text(403, "CSRF token validation failed").header("X-CSRF-Token", "Required");
        }
        if (rest.isEmpty() || "/".equals(rest)) {
            return serviceDocument(service, v4);
        }
        if ("/$metadata".equals(rest)) {
            return metadata(service);
        }
        return switch (service) {
            case PM_SERVICE ->
                entitySet(
                        req,
                        service,
                        rest,
                        "MaintenanceNotification",
                        maintenanceNotifications,
                        "MaintenanceNotification",
                        false,
                        body -> validatePm(body));
            case QN_SERVICE ->
                QN_ITEMS.matcher(rest).matches()
                        ? qualityNotificationItems(req, rest)
                        : entitySet(
                                req,
                                service,
                                rest,
                                "QualityNotification",
                                qualityNotifications,
                                "QualityNotification",
                                true,
                                body -> validateQn(body));
            case INSPLOT_SERVICE ->
                rest.startsWith("/A_InspLotUsageDecision")
                        ? entitySet(
                                req,
                                service,
                                rest,
                                "A_InspLotUsageDecision",
                                usageDecisions,
                                "InspectionLot",
                                false,
                                body -> required(
                                        body,
                                        "InspectionLot",
                                        "InspLotUsageDecisionCodeGroup",
                                        "InspectionLotUsageDecisionCode"))
                        : entitySet(
                                req,
                                service,
                                rest,
                                "A_InspectionResult",
                                inspectionResults,
                                "InspectionResultNumber",
                                false,
                                body -> required(body, "InspectionLot", "InspectionCharacteristic"));
            case DEFECT_SERVICE ->
                entitySet(
                        req,
                        service,
                        rest,
                        "A_Defect",
                        defects,
                        "DefectInternalID",
                        false,
                        body -> validateDefect(body));
            case PRODORDER_SERVICE ->
                req.isWrite()
                        ? error(
                                405,
                                "/IWBEP/CM_MGW_RT/005",
                                "Method '" + req.method() + "' not allowed for entity set 'A_ProductionOrder_2'")
                        : entitySet(
                                req,
                                service,
                                rest,
                                "A_ProductionOrder_2",
                                productionOrders,
                                "ManufacturingOrder",
                                false,
                                b -> null);
            default -> error(404, "/IWFND/MED/170", "No service found for " + path);
        };
    }

    private boolean authenticated(SimRequest req) {
        String[] basic = req.basicCredentials();
        if (basic != null) {
            return user.equals(basic[0]) && password.equals(basic[1]);
        }
        return validBearer(req);
    }

    private static String serviceOf(String path) {
        for (String s : List.of(PM_SERVICE, QN_SERVICE, INSPLOT_SERVICE, PRODORDER_SERVICE, DEFECT_SERVICE)) {
            if (path.equals(s) || path.startsWith(s + "/")) {
                return s;
            }
        }
        return null;
    }

    private SimResponse csrfFetch(SimRequest req, String service, String rest, boolean v4) {
        csrfFetches++;
        String session = UUID.randomUUID().toString().replace("-", "");
        String token = UUID.randomUUID().toString().replace("-", "").substring(0, 24) + "==";
        sessions.put(session, token);
        SimResponse resp = "/$metadata".equals(rest) ? metadata(service) : serviceDocument(service, v4);
        String suffix = systemId + "_" + sapClient;
        return resp.header("X-CSRF-Token", token)
                .header("Set-Cookie", "SAP_SESSIONID_" + suffix + "=" + session + "; path=/; HttpOnly")
                .header("Set-Cookie", "sap-XSRF_" + suffix + "=" + token.substring(0, 8) + "; path=/");
    }

    private boolean csrfValid(SimRequest req) {
        String token = req.header("X-CSRF-Token");
        String session = req.cookies().get("SAP_SESSIONID_" + systemId + "_" + sapClient);
        return token != null && session != null && token.equals(sessions.get(session));
    }

    private SimResponse serviceDocument(String service, boolean v4) {
        if (v4) {
            return SimResponse.json(
                    200,
                    Map.of(
                            "@odata.context",
                            "$metadata",
                            "value",
                            List.of(Map.of("name", "QualityNotification", "url", "QualityNotification"))));
        }
        String set = service.substring(service.lastIndexOf('/') + 1);
        return SimResponse.json(200, Map.of("d", Map.of("EntitySets", List.of(set))));
    }

    private static SimResponse metadata(String service) {
        String xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><edmx:Edmx Version=\"1.0\" "
                + "xmlns:edmx=\"http://schemas.microsoft.com/ado/2007/06/edmx\"><edmx:DataServices>"
                + "<!-- Vision Hub SAP simulator: " + service + " --></edmx:DataServices></edmx:Edmx>";
        return new SimResponse(
                200,
                new ArrayList<>(List.of(Map.entry("Content-Type", "application/xml"))),
                xml.getBytes(StandardCharsets.UTF_8),
                false);
    }

    private interface Validator {
        SimResponse check(JsonNode body);
    }

    private SimResponse entitySet(
            SimRequest req,
            String service,
            String rest,
            String setName,
            SimulatedDocuments docs,
            String keyField,
            boolean v4,
            Validator validator)
            throws Exception {
        String base = service + "/" + setName;
        String tail = (service + rest).substring(Math.min(base.length(), (service + rest).length()));
        if (!(service + rest).startsWith(base)) {
            return error(404, "/IWBEP/CM_MGW_RT/021", "Resource not found for segment '" + rest.substring(1) + "'");
        }
        if (tail.isEmpty()) {
            if ("POST".equals(req.method())) {
                JsonNode body = req.json();
                SimResponse invalid = validator.check(body);
                if (invalid != null) {
                    return invalid;
                }
                Map<String, Object> fields = JSON.convertValue(body, Map.class);
                SimulatedDocuments.Document doc;
                if (keyField.equals("InspectionLot")) {
                    String lot = body.get("InspectionLot").asText();
                    if (docs.get(lot).isPresent()) {
                        return error(400, "QEVAC/027", "Usage decision for inspection lot " + lot + " already exists");
                    }
                    doc = docs.createWithNumber(lot, fields);
                } else {
                    fields.put("CreationDateTime", v4 ? Instant.now().toString() : edmDateTimeOffset(Instant.now()));
                    doc = docs.create(keyField, fields);
                }
                String uri = base + "('" + doc.number() + "')";
                return SimResponse.json(201, v4 ? v4Entity(setName, doc) : Map.of("d", v2Entity(service, setName, doc)))
                        .header("Location", uri)
                        .asCreated();
            }
            if ("GET".equals(req.method())) {
                Map<String, String> filter = ODataFilter.parse(req.param("$filter"));
                List<Object> results = new ArrayList<>();
                for (SimulatedDocuments.Document d : docs.matching(filter)) {
                    results.add(v4 ? v4Entity(setName, d) : v2Entity(service, setName, d));
                }
                if (req.param("$top") != null) {
                    results = results.subList(0, Math.min(results.size(), Integer.parseInt(req.param("$top"))));
                }
                if (v4) {
                    return SimResponse.json(200, Map.of("@odata.context", "$metadata#" + setName, "value", results));
                }
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("results", results);
                if ("allpages".equals(req.param("$inlinecount"))) {
                    d.put("__count", String.valueOf(results.size()));
                }
                return SimResponse.json(200, Map.of("d", d));
            }
            return error(
                    405,
                    "/IWBEP/CM_MGW_RT/005",
                    "Method '" + req.method() + "' not allowed for entity set '" + setName + "'");
        }
        if (tail.startsWith("('") && tail.endsWith("')") && "GET".equals(req.method())) {
            String key = tail.substring(2, tail.length() - 2);
            return docs.get(key)
                    .map(doc -> SimResponse.json(
                            200, v4 ? v4Entity(setName, doc) : Map.of("d", v2Entity(service, setName, doc))))
                    .orElseGet(() -> error(
                            404,
                            "/IWBEP/CM_MGW_RT/021",
                            "Resource not found for segment '" + setName + "('" + key + "')'"));
        }
        return error(
                400, "/IWBEP/CM_MGW_RT/022", "Invalid URI segment '" + tail + "' for entity set '" + setName + "'");
    }

    private Map<String, Object> v2Entity(String service, String setName, SimulatedDocuments.Document doc) {
        Map<String, Object> e = new LinkedHashMap<>();
        String uri = service + "/" + setName + "('" + doc.number() + "')";
        e.put(
                "__metadata",
                Map.of(
                        "id",
                        uri,
                        "uri",
                        uri,
                        "type",
                        setName.replace("A_", "API.A_") + "Type",
                        "etag",
                        "W/\"datetimeoffset'" + doc.createdNanos() + "'\""));
        doc.fields().forEach((k, v) -> {
            if (!k.startsWith("to_")) {
                e.put(k, v);
            }
        });
        if (setName.equals("MaintenanceNotification")) {
            e.put("NotifProcessingPhase", "1");
            e.put("to_Item", Map.of("__deferred", Map.of("uri", uri + "/to_Item")));
        }
        return e;
    }

    private static Map<String, Object> v4Entity(String setName, SimulatedDocuments.Document doc) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("@odata.context", "$metadata#" + setName + "/$entity");
        e.put("@odata.etag", "W/\"" + doc.createdNanos() + "\"");
        e.putAll(doc.fields());
        return e;
    }

    /**
     * POST adds an item to an existing notification (numbered 0001, 0002 … per notification, as SAP numbers
     * notification items); GET lists them, with {@code $filter=F eq 'v'}. An unknown notification is 404.
     */
    @SuppressWarnings("unchecked")
    private SimResponse qualityNotificationItems(SimRequest req, String rest) throws Exception {
        java.util.regex.Matcher m = QN_ITEMS.matcher(rest);
        m.matches();
        String number = m.group(1);
        SimulatedDocuments.Document doc = qualityNotifications.get(number).orElse(null);
        if (doc == null) {
            return v4Error(404, "QM/105", "Quality notification " + number + " does not exist", "QualityNotification");
        }
        synchronized (doc) {
            List<Map<String, Object>> items = (List<Map<String, Object>>)
                    doc.fields().computeIfAbsent("_QualityNotificationItem", k -> new ArrayList<>());
            if ("POST".equals(req.method())) {
                JsonNode body = req.json();
                Iterator<String> names = body.fieldNames();
                while (names.hasNext()) {
                    String name = names.next();
                    Integer max = QN_ITEM_FIELDS.get(name);
                    if (max == null) {
                        return v4Error(
                                400,
                                "PROPERTY_UNKNOWN",
                                "Property '" + name + "' is not defined in type 'QualityNotificationItem'",
                                name);
                    }
                    if (max > 0
                            && body.get(name).isTextual()
                            && body.get(name).asText().length() > max) {
                        return v4Error(
                                400, "VALUE_TOO_LONG", "Value for '" + name + "' exceeds " + max + " characters", name);
                    }
                }
                if (!body.hasNonNull("DefectText")) {
                    return v4Error(400, "QM/106", "Enter a defect text for the item", "DefectText");
                }
                Map<String, Object> item = new LinkedHashMap<>(JSON.convertValue(body, Map.class));
                item.put("QualityNotification", number);
                item.put("QualityNotificationItem", String.format("%04d", items.size() + 1));
                items.add(item);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("@odata.context", "$metadata#QualityNotificationItem/$entity");
                out.putAll(item);
                return SimResponse.json(201, out)
                        .header(
                                "Location",
                                QN_SERVICE + "/QualityNotificationItem(QualityNotification='" + number
                                        + "',QualityNotificationItem='" + item.get("QualityNotificationItem") + "')")
                        .asCreated();
            }
            if ("GET".equals(req.method())) {
                Map<String, String> filter = ODataFilter.parse(req.param("$filter"));
                List<Object> out = new ArrayList<>();
                for (Map<String, Object> item : items) {
                    if (filter.entrySet().stream()
                            .allMatch(f -> f.getValue().equals(String.valueOf(item.get(f.getKey()))))) {
                        out.add(item);
                    }
                }
                return SimResponse.json(
                        200, Map.of("@odata.context", "$metadata#QualityNotificationItem", "value", out));
            }
        }
        return v4Error(405, "METHOD_NOT_ALLOWED", "Method '" + req.method() + "' not allowed for the items", "");
    }

    /** The items of a quality notification (tests). */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> qualityNotificationItems(String number) {
        return qualityNotifications
                .get(number)
                .map(d -> (List<Map<String, Object>>) d.fields().getOrDefault("_QualityNotificationItem", List.of()))
                .map(List::copyOf)
                .orElse(List.of());
    }

    private SimResponse validatePm(JsonNode body) {
        SimResponse bad = checkFields(body, PM_FIELDS, "MaintenanceNotification");
        if (bad != null) {
            return bad;
        }
        if (!body.hasNonNull("NotificationText") || !body.hasNonNull("NotificationType")) {
            return fieldError("IWO_BAPI2/011", "Enter a notification type and a short text", "NotificationType");
        }
        String type = body.get("NotificationType").asText();
        if (!PM_TYPES.contains(type)) {
            return fieldError("IM/020", "Notification type " + type + " is not defined", "NotificationType");
        }
        JsonNode items = body.path("to_Item").path("results");
        for (JsonNode item : items) {
            SimResponse badItem = checkFields(item, PM_ITEM_FIELDS, "MaintenanceNotificationItem");
            if (badItem != null) {
                return badItem;
            }
        }
        return null;
    }

    private SimResponse validateQn(JsonNode body) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            Integer max = QN_FIELDS.get(name);
            if (max == null) {
                return v4Error(
                        400,
                        "PROPERTY_UNKNOWN",
                        "Property '" + name + "' is not defined in type 'QualityNotification'",
                        name);
            }
            if (max > 0 && body.get(name).isTextual() && body.get(name).asText().length() > max) {
                return v4Error(400, "VALUE_TOO_LONG", "Value for '" + name + "' exceeds " + max + " characters", name);
            }
        }
        String type = body.path("NotificationType").asText("");
        if (!QN_TYPES.contains(type)) {
            return v4Error(400, "QM/103", "Notification type '" + type + "' is not defined", "NotificationType");
        }
        if (!body.hasNonNull("NotificationText")) {
            return v4Error(400, "QM/104", "Enter a short text", "NotificationText");
        }
        return null;
    }

    private SimResponse validateDefect(JsonNode body) {
        SimResponse bad = checkFields(body, DEFECT_FIELDS, "A_DefectType");
        if (bad != null) {
            return bad;
        }
        SimResponse missing = required(body, "DefectText", "DefectCategory");
        if (missing != null) {
            return missing;
        }
        String category = body.get("DefectCategory").asText();
        if (!DEFECT_CATEGORIES.contains(category)) {
            return fieldError("QM_DEFECT/012", "Defect category " + category + " is not defined", "DefectCategory");
        }
        return null;
    }

    private SimResponse required(JsonNode body, String... fields) {
        for (String f : fields) {
            if (!body.hasNonNull(f) || body.get(f).asText().isBlank()) {
                return fieldError("/IWBEP/CM_MGW_RT/010", "Property '" + f + "' is required", f);
            }
        }
        return null;
    }

    private SimResponse checkFields(JsonNode body, Map<String, Integer> allowed, String type) {
        Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            Integer max = allowed.get(name);
            if (max == null) {
                return fieldError(
                        "/IWBEP/CM_MGW_RT/020", "The property '" + name + "' is invalid for type '" + type + "'", name);
            }
            if (max > 0 && body.get(name).isTextual() && body.get(name).asText().length() > max) {
                return fieldError(
                        "/IWBEP/CM_MGW_RT/035",
                        "Value of property '" + name + "' is longer than " + max + " characters",
                        name);
            }
        }
        return null;
    }

    private SimResponse fieldError(String code, String message, String property) {
        return sapError(400, code, message, property);
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        return sapError(status, code, message, "");
    }

    /** OData V2 error body as SAP Gateway writes it. */
    private SimResponse sapError(int status, String code, String message, String property) {
        String tx = UUID.randomUUID().toString().replace("-", "").toUpperCase();
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("code", code);
        detail.put("message", message);
        detail.put("propertyref", property);
        detail.put("severity", "error");
        detail.put("target", property);
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put(
                "application",
                Map.of(
                        "component_id",
                        "PM-WOC-MN",
                        "service_namespace",
                        "/SAP/",
                        "service_id",
                        "API_MAINTNOTIFICATION",
                        "service_version",
                        "0001"));
        inner.put("transactionid", tx);
        inner.put("timestamp", Instant.now().toString());
        inner.put(
                "Error_Resolution",
                Map.of(
                        "SAP_Transaction",
                        "Run transaction /IWFND/ERROR_LOG on SAP Gateway hub system "
                                + "(Vision Hub simulator) and search for entries with the timestamp above for more details"));
        inner.put("errordetails", List.of(detail));
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", Map.of("lang", "en", "value", message));
        error.put("innererror", inner);
        return SimResponse.json(status, Map.of("error", error));
    }

    /** OData V4 error body. */
    private static SimResponse v4Error(int status, String code, String message, String target) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        error.put("target", target);
        error.put(
                "details",
                List.of(Map.of("code", code, "message", message, "target", target, "@Common.numericSeverity", 4)));
        return SimResponse.json(status, Map.of("error", error));
    }

    static String edmDateTime(Instant t) {
        long day = LocalDate.ofInstant(t, ZoneOffset.UTC)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant()
                .toEpochMilli();
        return "/Date(" + day + ")/";
    }

    static String edmDateTimeOffset(Instant t) {
        return "/Date(" + t.toEpochMilli() + "+0000)/";
    }
}
