package dev.rlhf.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The labeling platform: web app, REST API and (by default) an in-process worker. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class RlhfApplication {
    public static void main(String[] args) {
        SpringApplication.run(RlhfApplication.class, args);
    }
}
