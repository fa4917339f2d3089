package io.visionhub.api;

import java.util.List;

/** The roles of the REST API (Spring Security authorities are these names prefixed with {@code ROLE_}). */
public final class ApiRoles {

    /** Runs the line: sees results and context. */
    public static final String OPERATOR = "OPERATOR";
    /** Quality engineer: summaries, traceability, dispositions. */
    public static final String QUALITY = "QUALITY";
    /** Systems integration (MES, ERP API keys): pushes context, reads results. */
    public static final String INTEGRATOR = "INTEGRATOR";
    /** Read-only audit access to every record. */
    public static final String AUDITOR = "AUDITOR";
    /** Everything, including Hawtio and Jolokia. */
    public static final String ADMIN = "ADMIN";

    public static final List<String> ALL = List.of(OPERATOR, QUALITY, INTEGRATOR, AUDITOR, ADMIN);

    private ApiRoles() {}
}
