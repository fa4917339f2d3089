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
    /**
     * SAP QM defect against the inspection lot, API_DEFECT_SRV/A_Defect (OData V2): how many S/4 systems record
     * automated inspection defects. Looked up by DefectText, which the mapping starts with "VH " + the reference.
     */
    SAP_QM_DEFECT,
    /** IBM Maximo work order, object structure mxapiwodetail. */
    MAXIMO_WORK_ORDER,
    /** Oracle Fusion maintenance work order. */
    ORACLE_WORK_ORDER,
    /** Oracle Fusion quality issue. */
    ORACLE_QUALITY_ISSUE,
    /** Any CMMS that takes a signed JSON webhook with an Idempotency-Key. */
    WEBHOOK;

    /** The business document a target of this type makes unless a step names another (outbox document_type). */
    public String documentType() {
        return switch (this) {
            case SAP_QM_NOTIFICATION -> "QUALITY_NOTIFICATION";
            case SAP_PM_NOTIFICATION -> "MAINTENANCE_NOTIFICATION";
            case SAP_QM_USAGE_DECISION -> "USAGE_DECISION";
            case SAP_QM_INSPECTION_RESULT -> "INSPECTION_RESULT";
            case SAP_QM_DEFECT -> "DEFECT";
            case MAXIMO_WORK_ORDER, ORACLE_WORK_ORDER -> "WORK_ORDER";
            case ORACLE_QUALITY_ISSUE -> "QUALITY_ISSUE";
            case WEBHOOK -> "WORK_REQUEST";
        };
    }
}
