//! A partial index's `WHERE` predicate in one spelling for both databases, so the
//! schema-parity test can compare them.
//!
//! SQLite keeps the predicate as written in the migration; PostgreSQL keeps a parse tree and
//! prints it back its own way: every operation in parentheses, casts on every literal, and
//! `x NOT IN (a, b)` turned into `x <> ALL (ARRAY[a, b])`. Both are parsed here into the same
//! small expression tree and printed fully parenthesised, lower case, casts dropped, with
//! `AND`/`OR` chains flattened. The grammar covers what index predicates use (comparisons,
//! `[NOT] IN`, `IS [NOT] NULL`, `AND`/`OR`/`NOT`, function calls, literals); anything
//! beyond it is kept as its tokens, marked `unparsed:`, so an unusual predicate still
//! compares with itself and a parity failure shows where the grammar needs to grow.

/// The canonical form of a predicate (a partial index's `WHERE` clause, without `WHERE`).
pub(crate) fn canonical(predicate: &str) -> String {
    match tokens(predicate) {
        Ok(tokens) => canonical_tokens(&tokens),
        Err(()) => format!("unparsed: {}", predicate.split_whitespace().collect::<Vec<_>>().join(" ")),
    }
}

/// The canonical predicate of a `CREATE INDEX` statement (as SQLite keeps it), if it is a
/// partial index.
pub(crate) fn of_create_index(statement: &str) -> Option<String> {
    let Ok(tokens) = tokens(statement) else {
        // Unreadable here, so kept as text (ASCII lower-casing keeps the byte offsets).
        let at = statement.to_ascii_lowercase().find(" where ")?;
        return Some(canonical(&statement[at + " where ".len()..]));
    };
    let mut depth = 0_usize;
    for (at, token) in tokens.iter().enumerate() {
        match token {
            Token::Symbol("(") => depth += 1,
            Token::Symbol(")") => depth = depth.saturating_sub(1),
            Token::Word(word) if depth == 0 && word == "where" => {
                let mut rest = &tokens[at + 1..];
                while let [before @ .., Token::Symbol(";")] = rest {
                    rest = before;
                }
                return Some(canonical_tokens(rest));
            }
            _ => {}
        }
    }
    None
}

fn canonical_tokens(tokens: &[Token]) -> String {
    let mut parser = Parser { tokens, at: 0 };
    match parser.or() {
        Ok(node) if parser.at == tokens.len() => node.to_string(),
        _ => format!("unparsed: {}", tokens.iter().map(Token::to_string).collect::<Vec<_>>().join(" ")),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    /// An unquoted word (keyword or name), lower-cased: SQL folds them.
    Word(String),
    /// A `"quoted"` name, lower-cased too: PostgreSQL quotes names that SQLite leaves bare.
    Quoted(String),
    Text(String),
    Number(String),
    Symbol(&'static str),
}

impl std::fmt::Display for Token {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Token::Word(word) | Token::Quoted(word) | Token::Number(word) => out.write_str(word),
            Token::Text(text) => write!(out, "'{}'", text.replace('\'', "''")),
            Token::Symbol(symbol) => out.write_str(symbol),
        }
    }
}

const SYMBOLS: [&str; 20] =
    ["::", "<>", "!=", "<=", ">=", "==", "||", "(", ")", ",", "[", "]", ".", ";", "=", "<", ">", "+", "-", "*"];

fn tokens(sql: &str) -> Result<Vec<Token>, ()> {
    let mut out = Vec::new();
    let mut rest = sql;
    while let Some(next) = rest.chars().next() {
        if next.is_whitespace() {
            rest = &rest[next.len_utf8()..];
        } else if let Some(comment) = rest.strip_prefix("--") {
            rest = comment.find('\n').map_or("", |end| &comment[end..]);
        } else if next == '\'' || next == '"' {
            let (body, after) = quoted(&rest[1..], next)?;
            out.push(if next == '\'' { Token::Text(body) } else { Token::Quoted(body.to_lowercase()) });
            rest = after;
        } else if next.is_ascii_digit() {
            let end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
            out.push(Token::Number(rest[..end].to_owned()));
            rest = &rest[end..];
        } else if next.is_alphabetic() || next == '_' {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
            out.push(Token::Word(rest[..end].to_lowercase()));
            rest = &rest[end..];
        } else {
            let symbol = SYMBOLS.iter().find(|symbol| rest.starts_with(**symbol)).ok_or(())?;
            out.push(Token::Symbol(symbol));
            rest = &rest[symbol.len()..];
        }
    }
    Ok(out)
}

/// The body of a quoted string or name starting after its opening `quote` (a doubled quote
/// is one quote), and what follows the closing one.
fn quoted(rest: &str, quote: char) -> Result<(String, &str), ()> {
    let mut body = String::new();
    let mut chars = rest.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != quote {
            body.push(c);
        } else if chars.peek().is_some_and(|(_, next)| *next == quote) {
            body.push(quote);
            chars.next();
        } else {
            return Ok((body, &rest[at + 1..]));
        }
    }
    Err(())
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Leaf(Token),
    Call(String, Vec<Node>),
    Array(Vec<Node>),
    Not(Box<Node>),
    /// `AND` or `OR` over two or more operands, nested chains flattened.
    Chain(&'static str, Vec<Node>),
    Binary(Box<Node>, String, Box<Node>),
    In {
        subject: Box<Node>,
        items: Vec<Node>,
        negated: bool,
    },
    IsNull {
        subject: Box<Node>,
        negated: bool,
    },
}

impl std::fmt::Display for Node {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |items: &[Node]| items.iter().map(Node::to_string).collect::<Vec<_>>().join(", ");
        match self {
            Node::Leaf(token) => write!(out, "{token}"),
            Node::Call(name, arguments) => write!(out, "{name}({})", list(arguments)),
            Node::Array(items) => write!(out, "array[{}]", list(items)),
            Node::Not(operand) => write!(out, "(not {operand})"),
            Node::Chain(joiner, operands) => {
                let operands: Vec<String> = operands.iter().map(Node::to_string).collect();
                write!(out, "({})", operands.join(&format!(" {joiner} ")))
            }
            Node::Binary(left, op, right) => write!(out, "({left} {op} {right})"),
            Node::In { subject, items, negated } => {
                write!(out, "({subject} {}in ({}))", if *negated { "not " } else { "" }, list(items))
            }
            Node::IsNull { subject, negated } => {
                write!(out, "({subject} is {}null)", if *negated { "not " } else { "" })
            }
        }
    }
}

/// `subject [NOT] IN (items)`; with one item, the comparison PostgreSQL turns it into.
fn in_list(subject: Node, mut items: Vec<Node>, negated: bool) -> Node {
    if items.len() == 1 {
        let op = if negated { "<>" } else { "=" };
        return Node::Binary(Box::new(subject), op.to_owned(), Box::new(items.remove(0)));
    }
    Node::In { subject: Box::new(subject), items, negated }
}

/// Words that may follow a type name's first word after `::` (`character varying`).
const TYPE_CONTINUATIONS: [&str; 5] = ["varying", "precision", "with", "time", "zone"];

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
}

type Parsed = Result<Node, ()>;

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w == word)
    }

    fn eat_word(&mut self, word: &str) -> bool {
        let found = self.peek_word(word);
        self.at += usize::from(found);
        found
    }

    fn eat_symbol(&mut self, symbol: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Symbol(s)) if *s == symbol);
        self.at += usize::from(found);
        found
    }

    fn expect_symbol(&mut self, symbol: &str) -> Result<(), ()> {
        if self.eat_symbol(symbol) { Ok(()) } else { Err(()) }
    }

    fn chain(&mut self, joiner: &'static str, operand: fn(&mut Self) -> Parsed) -> Parsed {
        let mut operands = Vec::new();
        loop {
            match operand(self)? {
                Node::Chain(inner, nested) if inner == joiner => operands.extend(nested),
                other => operands.push(other),
            }
            if !self.eat_word(joiner) {
                break;
            }
        }
        Ok(if operands.len() == 1 { operands.remove(0) } else { Node::Chain(joiner, operands) })
    }

    fn or(&mut self) -> Parsed {
        self.chain("or", Self::and)
    }

    fn and(&mut self) -> Parsed {
        self.chain("and", Self::not)
    }

    fn not(&mut self) -> Parsed {
        if self.eat_word("not") { Ok(Node::Not(Box::new(self.not()?))) } else { self.comparison() }
    }

    fn comparison(&mut self) -> Parsed {
        let mut left = self.operand()?;
        loop {
            let op = match self.peek() {
                Some(Token::Symbol(op @ ("=" | "==" | "<>" | "!=" | "<" | ">" | "<=" | ">="))) => *op,
                _ => {
                    if self.eat_word("is") {
                        let negated = self.eat_word("not");
                        if !self.eat_word("null") {
                            return Err(());
                        }
                        left = Node::IsNull { subject: Box::new(left), negated };
                    } else if self.peek_word("in")
                        || (self.peek_word("not")
                            && matches!(self.tokens.get(self.at + 1), Some(Token::Word(w)) if w == "in"))
                    {
                        let negated = self.eat_word("not");
                        self.at += 1;
                        let items = self.list("(", ")")?;
                        left = in_list(left, items, negated);
                    } else {
                        return Ok(left);
                    }
                    continue;
                }
            };
            self.at += 1;
            let op = match op {
                "==" => "=",
                "!=" => "<>",
                other => other,
            };
            let quantifier = ["any", "some", "all"].into_iter().find(|word| self.eat_word(word));
            let Some(quantifier) = quantifier else {
                left = Node::Binary(Box::new(left), op.to_owned(), Box::new(self.operand()?));
                continue;
            };
            self.expect_symbol("(")?;
            let right = self.or()?;
            self.expect_symbol(")")?;
            // PostgreSQL's spelling of `IN` and `NOT IN`.
            left = match (op, quantifier, right) {
                ("=", "any" | "some", Node::Array(items)) => in_list(left, items, false),
                ("<>", "all", Node::Array(items)) => in_list(left, items, true),
                (op, quantifier, right) => Node::Binary(
                    Box::new(left),
                    format!("{op} {quantifier}"),
                    Box::new(Node::Call(String::new(), vec![right])),
                ),
            };
        }
    }

    /// A value with any arithmetic or concatenation on it (one precedence level: index
    /// predicates rarely mix them, and both sides are read the same way).
    fn operand(&mut self) -> Parsed {
        let mut left = self.cast()?;
        while let Some(Token::Symbol(op @ ("||" | "+" | "-" | "*"))) = self.peek() {
            let op = (*op).to_owned();
            self.at += 1;
            left = Node::Binary(Box::new(left), op, Box::new(self.cast()?));
        }
        Ok(left)
    }

    /// A primary with any `::type` casts dropped: PostgreSQL adds them, SQLite has none.
    fn cast(&mut self) -> Parsed {
        let node = self.primary()?;
        while self.eat_symbol("::") {
            let Some(Token::Word(_) | Token::Quoted(_)) = self.peek() else { return Err(()) };
            self.at += 1;
            while TYPE_CONTINUATIONS.iter().any(|word| self.peek_word(word)) {
                self.at += 1;
            }
            if self.eat_symbol("(") {
                self.list_rest(")")?;
            }
            while self.eat_symbol("[") {
                self.expect_symbol("]")?;
            }
        }
        Ok(node)
    }

    fn primary(&mut self) -> Parsed {
        let token = self.peek().cloned().ok_or(())?;
        self.at += 1;
        match token {
            Token::Symbol("(") => {
                let inner = self.or()?;
                self.expect_symbol(")")?;
                Ok(inner)
            }
            Token::Symbol("-") => match self.peek().cloned() {
                Some(Token::Number(number)) => {
                    self.at += 1;
                    Ok(Node::Leaf(Token::Number(format!("-{number}"))))
                }
                _ => Err(()),
            },
            Token::Text(_) | Token::Number(_) => Ok(Node::Leaf(token)),
            Token::Word(word) if word == "array" => Ok(Node::Array(self.list("[", "]")?)),
            Token::Word(name) | Token::Quoted(name) => {
                if matches!(self.peek(), Some(Token::Symbol("("))) {
                    return Ok(Node::Call(name, self.list("(", ")")?));
                }
                let mut name = name;
                while self.eat_symbol(".") {
                    match self.peek().cloned() {
                        Some(Token::Word(part) | Token::Quoted(part)) => {
                            self.at += 1;
                            name = format!("{name}.{part}");
                        }
                        _ => return Err(()),
                    }
                }
                Ok(Node::Leaf(Token::Word(name)))
            }
            Token::Symbol(_) => Err(()),
        }
    }

    /// `open` item, item, ... `close` (possibly empty).
    fn list(&mut self, open: &str, close: &str) -> Result<Vec<Node>, ()> {
        self.expect_symbol(open)?;
        self.list_rest(close)
    }

    fn list_rest(&mut self, close: &str) -> Result<Vec<Node>, ()> {
        let mut items = Vec::new();
        if self.eat_symbol(close) {
            return Ok(items);
        }
        loop {
            items.push(self.or()?);
            if self.eat_symbol(close) {
                return Ok(items);
            }
            self.expect_symbol(",")?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 0003's predicate as written, and as PostgreSQL prints it back.
    const WRITTEN: &str =
        "CREATE UNIQUE INDEX applications_one_under_way ON applications (authority_id, worker_id, route_id)
    WHERE status NOT IN ('effective', 'withdrawn')
      AND NOT (status = 'decided' AND COALESCE(decision, '') = 'rejected')";
    const PRINTED: &str = "((status <> ALL (ARRAY['effective'::text, 'withdrawn'::text])) AND (NOT ((status = \
                           'decided'::text) AND (COALESCE(decision, ''::text) = 'rejected'::text))))";

    #[test]
    fn the_written_and_the_printed_spelling_agree() {
        let written = of_create_index(WRITTEN).expect("a partial index");
        assert_eq!(written, canonical(PRINTED));
        assert_eq!(
            written,
            "((status not in ('effective', 'withdrawn')) and (not ((status = 'decided') and \
             (coalesce(decision, '') = 'rejected'))))"
        );
    }

    #[test]
    fn in_lists_casts_and_chains_are_read_alike() {
        assert_eq!(
            canonical("name IN ('a', 'b') OR decision IS NOT NULL AND worker_id > 3"),
            canonical(
                "(((name)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])) OR \
                 ((decision IS NOT NULL) AND (worker_id > 3)))"
            )
        );
        assert_eq!(canonical("a = 1 AND (b = 2 AND c = 3)"), canonical("((a = 1) AND (b = 2) AND (c = 3))"));
        assert_eq!(canonical("x != 'it''s'"), "(x <> 'it''s')");
        assert_eq!(canonical("status NOT IN ('effective')"), canonical("(status <> 'effective'::text)"));
    }

    #[test]
    fn a_different_predicate_reads_differently() {
        let written = of_create_index(WRITTEN).expect("a partial index");
        for other in [
            "status NOT IN ('effective') AND NOT (status = 'decided' AND COALESCE(decision, '') = 'rejected')",
            "status IN ('effective', 'withdrawn') AND NOT (status = 'decided' AND COALESCE(decision, '') = 'rejected')",
            "status NOT IN ('effective', 'withdrawn') AND NOT status = 'decided' AND COALESCE(decision, '') = 'rejected'",
            "status NOT IN ('effective', 'withdrawn')",
        ] {
            assert_ne!(canonical(other), written, "{other}");
        }
        assert_eq!(of_create_index("CREATE INDEX panels_by_date ON panels (authority_id, held_on)"), None);
    }

    #[test]
    fn what_the_grammar_does_not_cover_is_kept_as_tokens() {
        assert_eq!(canonical("a BETWEEN 1 AND 2"), "unparsed: a between 1 and 2");
        assert_eq!(canonical("a = 'unterminated"), "unparsed: a = 'unterminated");
    }
}
