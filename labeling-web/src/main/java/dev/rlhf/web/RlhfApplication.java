package dev.rlhf.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The labeling platform: web app, REST API and (by default) an in-process worker. */
@SpringBootApplication
public class RlhfApplication {
    public static void main(String[] args) {
        SpringApplication.run(RlhfApplication.class, args);
    }
}
