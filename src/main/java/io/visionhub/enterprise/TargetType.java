package io.visionhub.enterprise;

/** The kinds of business document the hub can raise, each with its own connector client. */
public enum TargetType {
    /** SAP PM maintenance notification, API_MAINTNOTIFICATION (OData V2). */
    SAP_PM_NOTIFICATION,
    /** SAP QM quality notification, api_qualitynotification (OData V4). */
    SAP_QM_NOTIFICATION,
    /** SAP QM usage decision of an inspection lot, API_INSPECTIONLOT_SRV/A_InspLotUsageDecision. */
    SAP_QM_USAGE_DECISION,
    /** SAP QM inspection result, API_INSPECTIONLOT_SRV/A_InspectionResult. */
    SAP_QM_INSPECTION_RESULT,
    /** IBM Maximo work order, object structure mxapiwodetail. */
    MAXIMO_WORK_ORDER,
    /** Oracle Fusion maintenance work order. */
    ORACLE_WORK_ORDER,
    /** Oracle Fusion quality issue. */
    ORACLE_QUALITY_ISSUE,
    /** Any CMMS that takes a signed JSON webhook with an Idempotency-Key. */
    WEBHOOK
}
