# The base of Aspire's container tunnel proxy image, offline. DCP builds dcptun_developer_ms:<dcp version> FROM
# mcr.microsoft.com/azurelinux/base/core:3.0 and uses a local image of that name when its pull fails. dcptun_c is
# a Microsoft Go binary: glibc plus OpenSSL's libcrypto (loaded at start-up), both of which Azure Linux's core has.
ARG BASE
FROM ${BASE}
RUN apt-get update && apt-get install -y libssl3 ca-certificates \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
CMD ["bash"]
