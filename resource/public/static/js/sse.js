// Server-sent events over fetch(): EventSource can only GET, and a chat
// message is a POST with a JSON body. Follows the WHATWG parsing rules:
// lines end in CRLF, LF or CR; "event:" names the event, "data:" lines are
// joined with "\n", a blank line dispatches, ":" starts a comment.

export async function readSSE(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buf = '';
  let event = '';
  let data = [];

  const line = (l) => {
    if (l === '') {
      if (data.length) onEvent({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (l.startsWith(':')) return;
    const i = l.indexOf(':');
    const field = i < 0 ? l : l.slice(0, i);
    let value = i < 0 ? '' : l.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  };

  for (;;) {
    const { value, done } = await reader.read();
    buf += done ? decoder.decode() : decoder.decode(value, { stream: true });
    for (;;) {
      const m = /\r\n|\r|\n/.exec(buf);
      if (!m) break;
      // A CR at the very end may be the first half of a CRLF.
      if (!done && m[0] === '\r' && m.index === buf.length - 1) break;
      line(buf.slice(0, m.index));
      buf = buf.slice(m.index + m[0].length);
    }
    if (done) return; // an unterminated last event is dropped, as the spec says
  }
}

// parseData decodes an event's JSON payload ({} when it is not JSON).
export function parseData(ev) {
  try {
    return JSON.parse(ev.data);
  } catch {
    return {};
  }
}
