//! Bodies with bounds: the request body a module streams out stops at the
//! request limit, the response body it reads stops at the response limit
//! and at the deadline. The response body also holds the module's
//! in-flight permit, so a request counts until its body is read or dropped.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::OwnedSemaphorePermit;
use wasmtime_wasi_http::{Error, WasiBody};

/// The module's request body, cut off past `limit` bytes. `tripped` tells
/// the sender that a failed exchange was this limit's doing.
pub(super) struct LimitedRequestBody {
    pub inner: WasiBody,
    pub limit: u64,
    pub sent: u64,
    pub tripped: Arc<AtomicBool>,
}

impl Body for LimitedRequestBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let frame = std::task::ready!(Pin::new(&mut self.inner).poll_frame(cx));
        if let Some(Ok(data)) = frame.as_ref().map(|f| f.as_ref().map(Frame::data_ref)) {
            let len = data.map_or(0, |d| d.len() as u64);
            self.sent = self.sent.saturating_add(len);
            if self.sent > self.limit {
                self.tripped.store(true, Ordering::Relaxed);
                return Poll::Ready(Some(Err(Error::HttpRequestBodySize(Some(self.limit)))));
            }
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The response body the module reads.
pub(super) struct LimitedResponseBody {
    pub inner: hyper::body::Incoming,
    pub limit: u64,
    pub received: u64,
    pub deadline: Pin<Box<tokio::time::Sleep>>,
    pub _permit: OwnedSemaphorePermit,
}

impl LimitedResponseBody {
    pub fn new(inner: hyper::body::Incoming, limit: u64, deadline: Instant, permit: OwnedSemaphorePermit) -> Self {
        LimitedResponseBody {
            inner,
            limit,
            received: 0,
            deadline: Box::pin(tokio::time::sleep_until(deadline.into())),
            _permit: permit,
        }
    }
}

impl Body for LimitedResponseBody {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        let this = &mut *self;
        let frame = match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => frame,
            Poll::Pending => {
                std::task::ready!(this.deadline.as_mut().poll(cx));
                return Poll::Ready(Some(Err(Error::HttpResponseTimeout)));
            }
        };
        match frame {
            None => Poll::Ready(None),
            Some(Err(e)) => Poll::Ready(Some(Err(Error::from(e)))),
            Some(Ok(frame)) => {
                let len = frame.data_ref().map_or(0, |d| d.len() as u64);
                this.received = this.received.saturating_add(len);
                if this.received > this.limit {
                    return Poll::Ready(Some(Err(Error::HttpResponseBodySize(Some(this.limit)))));
                }
                Poll::Ready(Some(Ok(frame)))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
