package io.visionhub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class VisionHubApplication {
    public static void main(String[] args) {
        HubLogging.useHubConfiguration();
        SpringApplication.run(VisionHubApplication.class, args);
    }
}
