# normgraph: one static binary carrying its data files.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o /normgraph ./cmd/normgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /normgraph /normgraph
EXPOSE 8080
ENTRYPOINT ["/normgraph"]
CMD ["serve"]
