package io.visionhub.api;

import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the served OpenAPI document valid when a concern declares an operation without response messages
 * (Camel would write a default response without the required description): such operations get
 * "200 OK" and "default: ApiError" before Camel starts (the document is rendered once, at start).
 */
@Component
public class OpenApiDefaults implements CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(OpenApiDefaults.class);

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the document is rendered once, when the API route starts: complete the model before that
        complete(camelContext);
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {}

    /** Adds the missing response messages; returns how many operations were completed. */
    public static int complete(CamelContext camelContext) {
        Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        int completed = 0;
        for (RestDefinition rest : model.getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                if (verb.getResponseMsgs() == null || verb.getResponseMsgs().isEmpty()) {
                    List<ResponseMessageDefinition> messages = new ArrayList<>();
                    messages.add(message(verb, "200", "OK", null));
                    messages.add(message(
                            verb, "default", "error (ApiError JSON: code, message, field)", ApiError.class.getName()));
                    verb.setResponseMsgs(messages);
                    completed++;
                }
            }
        }
        if (completed > 0 && LOG.isInfoEnabled()) {
            LOG.info(
                    "OpenAPI: {} operation(s) declared no response messages; documented as 200 OK / ApiError",
                    completed);
        }
        return completed;
    }

    private static ResponseMessageDefinition message(VerbDefinition verb, String code, String text, String model) {
        ResponseMessageDefinition m = new ResponseMessageDefinition(verb);
        m.setCode(code);
        m.setMessage(text);
        if (model != null) {
            m.setResponseModel(model);
        }
        return m;
    }
}
