//! Bodies broken as a whole: invalid JSON, text that is not UTF-8, deep
//! nesting, odd forms, broken multipart, content types that lie, and bodies
//! at and over the size limit.

use crate::harness::{BOUNDARY, ONE_MIB, Probe, Request, TWO_MIB, Target};

/// Bodies that are broken as a whole, in every content type, and bodies
/// that lie about their type.
pub fn broken_bodies() -> Vec<(Vec<u8>, Vec<u8>, &'static [u16])> {
    const ANY: &[u16] = &[];
    const BAD: &[u16] = &[400];
    let json_type = b"application/json".to_vec();
    let form_type = b"application/x-www-form-urlencoded".to_vec();
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}").into_bytes();
    let part = |name: &str, value: &[u8]| {
        let mut part =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .into_bytes();
        part.extend_from_slice(value);
        part.extend_from_slice(b"\r\n");
        part
    };
    let closing = format!("--{BOUNDARY}--\r\n").into_bytes();
    let good_multipart = [
        part("user[name]", b"Ann"),
        part("name", b"Ann"),
        closing.clone(),
    ]
    .concat();

    let deep_json = format!(
        "{}{}",
        "{\"a\":".repeat(200),
        "1".to_owned() + &"}".repeat(200)
    );
    let deeper_json = "[".repeat(100_000);
    let deep_key = format!("a{}=1", "[b]".repeat(1000));
    let wide_form = "users[]=a&".repeat(50_000);
    let many_lists = (0..2000)
        .map(|i| format!("a[{i}][]=x&"))
        .collect::<String>();

    let mut out: Vec<(Vec<u8>, Vec<u8>, &'static [u16])> = vec![
        // Invalid JSON.
        (json_type.clone(), b"{".to_vec(), BAD),
        (json_type.clone(), b"{\"user\":".to_vec(), BAD),
        (json_type.clone(), b"{'user': {'name': 'Ann'}}".to_vec(), BAD),
        (json_type.clone(), b"{\"name\": \"Ann\",}".to_vec(), BAD),
        (json_type.clone(), b"{\"a\":1}{\"b\":2}".to_vec(), BAD),
        (json_type.clone(), b"{\"name\": 1e400}".to_vec(), BAD),
        (json_type.clone(), b"nul".to_vec(), BAD),
        (json_type.clone(), b"\"{user[name]\": \"John\"}".to_vec(), BAD),
        // JSON that is not an object.
        (json_type.clone(), b"[]".to_vec(), BAD),
        (json_type.clone(), b"[{\"name\": \"Ann\"}]".to_vec(), BAD),
        (json_type.clone(), b"\"Ann\"".to_vec(), BAD),
        (json_type.clone(), b"42".to_vec(), BAD),
        (json_type.clone(), b"true".to_vec(), BAD),
        (json_type.clone(), b"null".to_vec(), BAD),
        // Not UTF-8.
        (json_type.clone(), b"{\"name\": \"\xff\xfe\"}".to_vec(), BAD),
        (json_type.clone(), b"\xff\xfe{\x00\"\x00".to_vec(), BAD),
        (json_type.clone(), b"\xef\xbb\xbf{\"name\": \"Ann\"}".to_vec(), ANY),
        (
            b"application/json; charset=utf-16".to_vec(),
            b"\xff\xfe{\x00}\x00".to_vec(),
            BAD,
        ),
        (form_type.clone(), b"name=%FF%FE".to_vec(), BAD),
        (form_type.clone(), b"name=\xff".to_vec(), BAD),
        (form_type.clone(), b"%C3%28=1".to_vec(), BAD),
        (
            multipart_type.clone(),
            [part("name", b"\xff\xfe"), closing.clone()].concat(),
            BAD,
        ),
        (
            multipart_type.clone(),
            [part("\u{fffd}\u{0}na\"me", b"x"), closing.clone()].concat(),
            ANY,
        ),
        // Deep nesting.
        (json_type.clone(), deep_json.into_bytes(), BAD),
        (json_type.clone(), deeper_json.into_bytes(), BAD),
        (form_type.clone(), deep_key.clone().into_bytes(), BAD),
        (
            multipart_type.clone(),
            [part(&deep_key.replace("=1", ""), b"1"), closing.clone()].concat(),
            BAD,
        ),
        // Wide and odd forms.
        (form_type.clone(), wide_form.into_bytes(), ANY),
        (form_type.clone(), many_lists.into_bytes(), ANY),
        (form_type.clone(), b"&&&===&=&a&[]=&[x]=1".to_vec(), ANY),
        (form_type.clone(), b"a[4294967295]=x&a[]=y".to_vec(), BAD),
        (form_type.clone(), b"a[99999999999999999999]=x".to_vec(), BAD),
        (form_type.clone(), b"user=x&user[name]=Ann".to_vec(), BAD),
        (form_type.clone(), b"user[name]=Ann&user[name][]=Bo".to_vec(), BAD),
        // Multipart with a bad boundary or a broken body.
        (b"multipart/form-data".to_vec(), good_multipart.clone(), BAD),
        (b"multipart/form-data; boundary=".to_vec(), good_multipart.clone(), BAD),
        (b"multipart/form-data; boundary=nope".to_vec(), good_multipart.clone(), BAD),
        (
            format!("multipart/form-data; boundary=\"{}\"", "b".repeat(200)).into_bytes(),
            good_multipart.clone(),
            BAD,
        ),
        (
            b"multipart/form-data; boundary=\"unclosed".to_vec(),
            good_multipart.clone(),
            BAD,
        ),
        (
            multipart_type.clone(),
            part("user[name]", b"Ann"),
            BAD,
        ),
        (multipart_type.clone(), closing.clone(), ANY),
        (
            multipart_type.clone(),
            format!("--{BOUNDARY}\r\n\r\nno headers\r\n--{BOUNDARY}--\r\n").into_bytes(),
            ANY,
        ),
        (
            multipart_type.clone(),
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"name\"; \
                 filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x01\x02\r\n--{BOUNDARY}--\r\n"
            )
            .into_bytes(),
            BAD,
        ),
        (
            multipart_type.clone(),
            good_multipart.replace_crlf(),
            ANY,
        ),
        (multipart_type.clone(), b"garbage".to_vec(), BAD),
        // Content types that lie.
        (json_type.clone(), b"user[name]=Ann".to_vec(), BAD),
        (json_type.clone(), good_multipart.clone(), BAD),
        (form_type.clone(), good_multipart.clone(), ANY),
        (multipart_type.clone(), b"{\"user\": {\"name\": \"Ann\"}}".to_vec(), BAD),
        (multipart_type.clone(), b"user[name]=Ann".to_vec(), BAD),
        (b"text/plain".to_vec(), b"hello there".to_vec(), BAD),
        (b"image/png".to_vec(), b"\x89PNG\r\n\x1a\n\x00\x00".to_vec(), BAD),
        (b"application/xml".to_vec(), b"<user><name>Ann</name></user>".to_vec(), BAD),
        (b"multipart/mixed; boundary=x".to_vec(), b"--x--".to_vec(), BAD),
        (b"application/json\xff\xfe".to_vec(), b"{}".to_vec(), ANY),
        (b";;;".to_vec(), b"{}".to_vec(), ANY),
        (b"".to_vec(), b"\x00\x01\x02\xff".to_vec(), BAD),
    ];
    // A body of exactly the limit is read; one byte more is refused.
    for (content_type, fill) in [(&json_type, b' '), (&form_type, b'&')] {
        let mut at_limit = b"{\"name\": \"x\"}".to_vec();
        if content_type == &form_type {
            at_limit = b"name=x".to_vec();
        }
        at_limit.resize(ONE_MIB, fill);
        let mut over = at_limit.clone();
        over.push(fill);
        out.push((content_type.clone(), at_limit, ANY));
        out.push((content_type.clone(), over, &[413]));
    }
    out
}

/// `\r\n` line ends turned into `\n`, which some hand-made clients send.
trait ReplaceCrlf {
    fn replace_crlf(&self) -> Vec<u8>;
}

impl ReplaceCrlf for Vec<u8> {
    fn replace_crlf(&self) -> Vec<u8> {
        String::from_utf8_lossy(self)
            .replace("\r\n", "\n")
            .into_bytes()
    }
}

/// Two MiB in every content type: 413 with `{"error"}`.
pub async fn too_large(probe: &mut Probe<'_>, targets: &[Target], key: &str) {
    let multipart_type = format!("multipart/form-data; boundary={BOUNDARY}");
    for target in targets {
        let key = target.key.then_some(key);
        let mut json = b"{\"pad\": \"".to_vec();
        json.resize(TWO_MIB, b'a');
        json.extend_from_slice(b"\"}");
        let mut form = b"pad=".to_vec();
        form.resize(TWO_MIB, b'a');
        let mut multipart =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"pad\"\r\n\r\n")
                .into_bytes();
        multipart.resize(TWO_MIB, b'a');
        multipart.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
        for (content_type, body) in [
            (Some("application/json"), json),
            (Some("application/x-www-form-urlencoded"), form.clone()),
            (Some(multipart_type.as_str()), multipart),
            (None, form),
        ] {
            probe
                .expect(
                    &Request {
                        method: target.method.clone(),
                        path: &target.path,
                        key,
                        content_type: content_type.map(str::as_bytes),
                        body: Some(body),
                    },
                    &[413],
                )
                .await;
        }
    }
}
