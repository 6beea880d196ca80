//! The probe's settings: which call to make, with what, how often.

use modgate_sdk::Error;

use crate::percent;

/// The call to make.
pub enum Call {
    /// `send` to an address.
    Send { to: String },
    /// `send-to-customer`, optionally checking each answer.
    SendToCustomer {
        customer: String,
        expect: Option<bool>,
    },
}

/// Everything the settings describe.
pub struct Script {
    pub call: Call,
    pub subject: String,
    pub text: String,
    pub repeat: u32,
}

/// The lines read so far, each at most once.
#[derive(Default)]
struct Fields {
    to: Option<String>,
    customer: Option<String>,
    subject: Option<String>,
    text: Option<String>,
    repeat: Option<u32>,
    expect: Option<bool>,
}

fn invalid(message: impl std::fmt::Display) -> Error {
    Error::invalid(format!("probe: {message}"))
}

impl Script {
    /// The script in `settings`, or `None` when they do not start with
    /// `call ` (the install's settings document).
    pub fn parse(settings: &str) -> Result<Option<Script>, Error> {
        let Some(rest) = settings.strip_prefix("call ") else {
            return Ok(None);
        };
        let mut lines = rest.split('\n');
        let call = lines.next().unwrap_or_default();
        let mut fields = Fields::default();
        for line in lines.filter(|line| !line.is_empty()) {
            fields.read(line)?;
        }
        let required = |value: Option<String>, key: &str| {
            value.ok_or_else(|| invalid(format!("`call {call}` needs a `{key}` line")))
        };
        let call = match call {
            "send" => {
                if fields.expect.is_some() {
                    return Err(invalid("`expect` applies to `call send-to-customer` only"));
                }
                Call::Send {
                    to: required(fields.to, "to")?,
                }
            }
            "send-to-customer" => Call::SendToCustomer {
                customer: required(fields.customer, "customer")?,
                expect: fields.expect,
            },
            other => {
                return Err(invalid(format!(
                    "unknown call {other:?}: send or send-to-customer"
                )));
            }
        };
        Ok(Some(Script {
            call,
            subject: required(fields.subject, "subject")?,
            text: required(fields.text, "text")?,
            repeat: fields.repeat.unwrap_or(1),
        }))
    }
}

impl Fields {
    fn read(&mut self, line: &str) -> Result<(), Error> {
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        match key {
            "to" => set(&mut self.to, key, decode(key, value)?),
            "customer" => set(&mut self.customer, key, decode(key, value)?),
            "subject" => set(&mut self.subject, key, decode(key, value)?),
            "text" => set(&mut self.text, key, decode(key, value)?),
            "repeat" => {
                let n = value
                    .parse()
                    .map_err(|_| invalid(format!("repeat {value:?} is not a count")))?;
                set(&mut self.repeat, key, n)
            }
            "expect" => {
                let expected = match value {
                    "true" => true,
                    "false" => false,
                    _ => return Err(invalid(format!("expect {value:?}: true or false"))),
                };
                set(&mut self.expect, key, expected)
            }
            _ => Err(invalid(format!("unknown line {line:?}"))),
        }
    }
}

fn decode(key: &str, value: &str) -> Result<String, Error> {
    percent::decode(value).map_err(|reason| invalid(format!("`{key}`: {reason}")))
}

fn set<T>(slot: &mut Option<T>, key: &str, value: T) -> Result<(), Error> {
    if slot.replace(value).is_some() {
        return Err(invalid(format!("`{key}` given twice")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use modgate_sdk::ErrorCode;

    fn parsed(settings: &str) -> Script {
        Script::parse(settings).expect("valid").expect("a script")
    }

    fn refused(settings: &str) -> String {
        let error = Script::parse(settings).err().expect("refused");
        assert_eq!(error.code, ErrorCode::Invalid);
        assert!(error.message.starts_with("probe: "), "{}", error.message);
        error.message
    }

    #[test]
    fn settings_without_a_call_do_nothing() {
        assert!(Script::parse("{}").unwrap().is_none());
        assert!(Script::parse("").unwrap().is_none());
        assert!(
            Script::parse("to a@b.example\ncall send")
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_send_decodes_its_fields() {
        let script =
            parsed("call send\nto a@b.example%0D%0ABcc: x@y.example\nsubject Hi there\ntext a%00b");
        let Call::Send { to } = &script.call else {
            panic!("a send")
        };
        assert_eq!(to, "a@b.example\r\nBcc: x@y.example");
        assert_eq!(script.subject, "Hi there");
        assert_eq!(script.text, "a\0b");
        assert_eq!(script.repeat, 1);
    }

    #[test]
    fn a_send_to_customer_takes_repeat_and_expect() {
        let script = parsed(
            "call send-to-customer\ncustomer cu-2\nsubject s\ntext t\nrepeat 3\nexpect false\n",
        );
        let Call::SendToCustomer { customer, expect } = &script.call else {
            panic!("to a customer")
        };
        assert_eq!(customer, "cu-2");
        assert_eq!(*expect, Some(false));
        assert_eq!(script.repeat, 3);
    }

    #[test]
    fn a_field_without_a_value_is_empty() {
        let script = parsed("call send-to-customer\ncustomer\nsubject \ntext t");
        let Call::SendToCustomer { customer, .. } = &script.call else {
            panic!("to a customer")
        };
        assert_eq!(customer, "");
        assert_eq!(script.subject, "");
    }

    #[test]
    fn malformed_scripts_are_refused_naming_the_problem() {
        assert!(refused("call send\nto a%zz\nsubject s\ntext t").contains("`to`"));
        assert!(refused("call send\nsubject s\ntext t").contains("`to`"));
        assert!(
            refused("call send\nto a@b.example\nto c@d.example\nsubject s\ntext t")
                .contains("twice")
        );
        assert!(
            refused("call send\nto a@b.example\nsubject s\ntext t\nexpect true").contains("expect")
        );
        assert!(
            refused("call send-to-customer\ncustomer c\nsubject s\ntext t\nexpect maybe")
                .contains("expect")
        );
        assert!(
            refused("call send\nto a@b.example\nsubject s\ntext t\nrepeat x").contains("repeat")
        );
        assert!(
            refused("call send\nto a@b.example\nsubject s\ntext t\ncc x").contains("unknown line")
        );
        assert!(refused("call fax\nsubject s\ntext t").contains("unknown call"));
    }
}
