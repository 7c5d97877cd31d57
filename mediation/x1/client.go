package x1

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// ClientOptions are the optional parts of NewClient.
type ClientOptions struct {
	// ADMFIdentifier and NEIdentifier fill every request header (defaults "admf", "umli").
	ADMFIdentifier, NEIdentifier string
	// Timeout bounds one round trip (default 30s).
	Timeout time.Duration
	// Now is the client's clock (default time.Now).
	Now func() time.Time
}

// Client is an ADMF: it builds X1 requests, sends them over mutual TLS and decodes the
// responses. Safe for concurrent use.
type Client struct {
	url  string
	http *http.Client
	opt  ClientOptions
}

// NewClient returns a client for the X1 server at url ("https://host:port/X1/NE").
func NewClient(url string, tlsConf *tls.Config, opt ClientOptions) *Client {
	if opt.ADMFIdentifier == "" {
		opt.ADMFIdentifier = "admf"
	}
	if opt.NEIdentifier == "" {
		opt.NEIdentifier = "umli"
	}
	if opt.Timeout == 0 {
		opt.Timeout = 30 * time.Second
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	tr := &http.Transport{TLSClientConfig: tlsConf, ForceAttemptHTTP2: true, MaxIdleConns: 4, IdleConnTimeout: time.Minute}
	return &Client{url: url, http: &http.Client{Transport: tr, Timeout: opt.Timeout}, opt: opt}
}

// Close releases idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// ResponseError is an X1 ErrorResponse returned by the server.
type ResponseError struct {
	RequestType string
	Code        Code
	Description string
}

// Error implements error.
func (e *ResponseError) Error() string {
	return fmt.Sprintf("x1: %s refused: error %d: %s", e.RequestType, e.Code, e.Description)
}

// NewMessage returns a request message of type rt with a fresh header.
func (c *Client) NewMessage(rt RequestType) Message {
	return Message{
		TypeOut: rt.RequestXSIType(),
		Header: Header{AdmfIdentifier: c.opt.ADMFIdentifier, NeIdentifier: c.opt.NEIdentifier,
			MessageTimestamp: FormatTime(c.opt.Now()), Version: Version},
		X1TransactionID: NewUUID(),
	}
}

// maxResponse bounds a response body; GetAllDetails for a large NE stays well below.
const maxResponse = 16 << 20

// Do sends request messages in one X1Request and returns the response messages in
// order. ErrorResponses are returned as messages, not as errors.
func (c *Client) Do(ctx context.Context, msgs ...Message) ([]Message, error) {
	body, err := EncodeRequest(&Request{Messages: msgs})
	if err != nil {
		return nil, err
	}
	return c.Post(ctx, body, len(msgs))
}

// Post sends a raw X1Request document (tests use it for malformed input) and decodes
// the response, which must hold want messages.
func (c *Client) Post(ctx context.Context, body []byte, want int) ([]Message, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("x1: %w", err)
	}
	req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("x1: post %s: %w", c.url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("x1: read response: %w", err)
	}
	if len(b) > maxResponse {
		return nil, fmt.Errorf("x1: response over %d bytes", maxResponse)
	}
	resp, err := DecodeResponse(b, Limits{MaxBytes: maxResponse, MaxDepth: 32, MaxTokens: 4_000_000, MaxMessages: 1 << 16})
	if err != nil {
		return nil, fmt.Errorf("x1: HTTP %d: %w", res.StatusCode, err)
	}
	if len(resp.Messages) != want {
		return nil, fmt.Errorf("x1: %d response messages for %d requests", len(resp.Messages), want)
	}
	return resp.Messages, nil
}

// one sends a single request and turns an ErrorResponse into a *ResponseError.
func (c *Client) one(ctx context.Context, m Message) (*Message, error) {
	out, err := c.Do(ctx, m)
	if err != nil {
		return nil, err
	}
	r := &out[0]
	if r.ErrorInformation != nil {
		return nil, &ResponseError{RequestType: r.RequestMessageType, Code: Code(r.ErrorInformation.ErrorCode), Description: r.ErrorInformation.ErrorDescription}
	}
	if r.X1TransactionID != m.X1TransactionID {
		return nil, errors.New("x1: response transaction id does not match the request")
	}
	return r, nil
}

// send sends one request of type rt, set (if any) filling in its payload.
func (c *Client) send(ctx context.Context, rt RequestType, set func(*Message)) (*Message, error) {
	m := c.NewMessage(rt)
	if set != nil {
		set(&m)
	}
	return c.one(ctx, m)
}

// details sends a Get*Details request and returns the details its response must
// carry (pick); missing names them in the error when they are absent.
func details[D any](ctx context.Context, c *Client, rt RequestType, set func(*Message), pick func(*Message) *D, missing string) (*D, error) {
	r, err := c.send(ctx, rt, set)
	if err != nil {
		return nil, err
	}
	d := pick(r)
	if d == nil {
		return nil, errors.New("x1: " + missing)
	}
	return d, nil
}

// ActivateTask provisions a new task.
func (c *Client) ActivateTask(ctx context.Context, td TaskDetails) error {
	_, err := c.send(ctx, ActivateTask, func(m *Message) { m.TaskDetails = &td })
	return err
}

// ModifyTask replaces a task's details.
func (c *Client) ModifyTask(ctx context.Context, td TaskDetails) error {
	_, err := c.send(ctx, ModifyTask, func(m *Message) { m.TaskDetails = &td })
	return err
}

// DeactivateTask ends a task.
func (c *Client) DeactivateTask(ctx context.Context, xid string) error {
	_, err := c.send(ctx, DeactivateTask, func(m *Message) { m.XID = xid })
	return err
}

// DeactivateAllTasks ends every task.
func (c *Client) DeactivateAllTasks(ctx context.Context) error {
	_, err := c.send(ctx, DeactivateAllTasks, nil)
	return err
}

// GetTaskDetails returns one task as the NE holds it.
func (c *Client) GetTaskDetails(ctx context.Context, xid string) (*TaskResponseDetails, error) {
	return details(ctx, c, GetTaskDetails, func(m *Message) { m.XID = xid },
		func(r *Message) *TaskResponseDetails { return r.TaskResponseDetails },
		"GetTaskDetailsResponse without taskResponseDetails")
}

// GetAllDetails returns every task and destination.
func (c *Client) GetAllDetails(ctx context.Context) (*Message, error) {
	return c.send(ctx, GetAllDetails, nil)
}

// CreateDestination provisions a destination.
func (c *Client) CreateDestination(ctx context.Context, dd DestinationDetails) error {
	_, err := c.send(ctx, CreateDestination, func(m *Message) { m.DestinationDetails = &dd })
	return err
}

// ModifyDestination replaces a destination's details.
func (c *Client) ModifyDestination(ctx context.Context, dd DestinationDetails) error {
	_, err := c.send(ctx, ModifyDestination, func(m *Message) { m.DestinationDetails = &dd })
	return err
}

// RemoveDestination deletes a destination.
func (c *Client) RemoveDestination(ctx context.Context, did string) error {
	_, err := c.send(ctx, RemoveDestination, func(m *Message) { m.DID = did })
	return err
}

// GetDestinationDetails returns one destination.
func (c *Client) GetDestinationDetails(ctx context.Context, did string) (*DestinationResponseDetails, error) {
	return details(ctx, c, GetDestinationDetails, func(m *Message) { m.DID = did },
		func(r *Message) *DestinationResponseDetails { return r.DestinationResponseDetails },
		"GetDestinationDetailsResponse without destinationResponseDetails")
}

// Ping checks the NE answers.
func (c *Client) Ping(ctx context.Context) error {
	_, err := c.send(ctx, Ping, nil)
	return err
}

// Keepalive sends an X1 keepalive.
func (c *Client) Keepalive(ctx context.Context) error {
	_, err := c.send(ctx, Keepalive, nil)
	return err
}
