package io.visionhub.onvif.rest;

import io.visionhub.api.ApiProperties;
import io.visionhub.onvif.OnvifCameras;
import io.visionhub.onvif.OnvifProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ONVIF REST endpoints (/api/cameras/onvif/**, ADMIN); off with visionhub.onvif.enabled: false. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.onvif", name = "enabled", havingValue = "true", matchIfMissing = true)
public class OnvifConfiguration {

    @Bean
    OnvifCameras onvifCameras(OnvifProperties properties) {
        return new OnvifCameras(properties::credentialsFor, properties.requestTimeout());
    }

    @Bean
    OnvifRestRoutes onvifRestRoutes(OnvifCameras cameras, OnvifProperties properties) {
        return new OnvifRestRoutes(cameras, properties);
    }

    @Bean
    ApiProperties.AccessRule onvifAccess() {
        return new ApiProperties.AccessRule("GET", "/api/cameras/onvif/**", OnvifRestRoutes.ROLES);
    }
}
