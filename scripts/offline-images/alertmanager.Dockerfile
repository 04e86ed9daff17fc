# Alertmanager from Debian's prometheus-alertmanager, in the layout of quay.io/prometheus/alertmanager:
# /bin/alertmanager (and /bin/amtool) as user nobody, config /etc/alertmanager/alertmanager.yml, data /alertmanager.
ARG BASE
FROM ${BASE}
# The Debian package the image is made of (scripts/build-offline-images.sh passes it from the component catalogue) and its version.
ARG PACKAGE
ARG VERSION
RUN apt-get update && apt-get install -y "${PACKAGE}=${VERSION}" \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log \
 && ln -s /usr/bin/prometheus-alertmanager /bin/alertmanager \
 && mkdir -p /etc/alertmanager /alertmanager \
 && cp /etc/prometheus/alertmanager.yml /etc/alertmanager/alertmanager.yml \
 && chown -R nobody:nogroup /etc/alertmanager /alertmanager
USER nobody
EXPOSE 9093
VOLUME ["/alertmanager"]
WORKDIR /alertmanager
ENTRYPOINT ["/bin/alertmanager"]
CMD ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"]
