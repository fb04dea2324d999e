# Build the platform with the Maven Wrapper, then run the Spring Boot jar on a JRE.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -DskipTests package

FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/labeling-web/target/labeling-web-exec.jar /app/labeling-web.jar
ENV RLHF_DATA_DIR=/data
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/labeling-web.jar"]
