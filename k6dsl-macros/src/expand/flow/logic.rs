//! The run-time logic forms as the `Steps` builder calls they stand for:
//! `when` → `Steps::when`/`Steps::if_else`, `for_each` → `Steps::for_each`,
//! `repeat` → `Steps::repeat`, `mix` → `Steps::mix` and `MixArms::arm`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};

use super::super::{count, string_value};
use super::{block, parsed, steps_ident, unit_block};
use crate::ast::flow::{Else, ForEach, Mix, Repeat, When, MIX_MODES};

/// `when c { .. }` → `steps.when(c, |steps| { .. })`; with `else`,
/// `steps.if_else(c, |steps| { .. }, |steps| { .. })`, whose value is what both
/// branches end with.
pub fn when(krate: &TokenStream, when: &When) -> TokenStream {
    let steps = steps_ident();
    let ty = quote!(#krate::steps::Steps);
    let condition = &when.condition;
    let Some(otherwise) = &when.otherwise else {
        let then = unit_block(krate, &parsed(&when.then));
        return quote_spanned! {when.keyword.span()=>
            #steps.when(#condition, |#steps: &mut #ty| { #then })
        };
    };
    let then = block(krate, &parsed(&when.then));
    let otherwise = match otherwise {
        Else::Block { steps: inner, .. } => block(krate, &parsed(inner)),
        Else::When { when: inner, .. } => self::when(krate, inner),
    };
    quote_spanned! {when.keyword.span()=>
        #steps.if_else(
            #condition,
            |#steps: &mut #ty| { #then },
            |#steps: &mut #ty| { #otherwise },
        )
    }
}

/// `for_each item in list, max 20 { .. }` → `steps.for_each(list, 20, |steps, item| { .. })`.
pub fn for_each(krate: &TokenStream, each: &ForEach) -> TokenStream {
    let steps = steps_ident();
    let ForEach {
        keyword,
        item,
        list,
        max,
        steps: inner,
    } = each;
    let max = count::<u32>(krate, max, false);
    let body = unit_block(krate, &parsed(inner));
    quote_spanned! {keyword.span()=>
        #steps.for_each(#list, #max, |#steps: &mut #krate::steps::Steps, #item| { #body })
    }
}

/// `repeat 3 as round { .. }` → `steps.repeat(3, |steps, round| { .. })`.
pub fn repeat(krate: &TokenStream, repeat: &Repeat) -> TokenStream {
    let steps = steps_ident();
    let times = count::<u32>(krate, &repeat.times, false);
    let round = match &repeat.round {
        Some(pattern) => quote!(#pattern),
        None => quote_spanned!(repeat.keyword.span()=> _),
    };
    let body = unit_block(krate, &parsed(&repeat.steps));
    quote_spanned! {repeat.keyword.span()=>
        #steps.repeat(#times, |#steps: &mut #krate::steps::Steps, #round| { #body })
    }
}

/// `mix "name" exact { "arm" 7 => { .. } }` →
/// `steps.mix("name", MixMode::Exact, |arms| { arms.arm("arm", 7, |steps| { .. }); })`.
pub fn mix(krate: &TokenStream, mix: &Mix) -> TokenStream {
    let steps = steps_ident();
    let arms_ident = Ident::new("__k6dsl_arms", Span::mixed_site());
    let name = string_value(&mix.name);
    let Some((_, variant)) = MIX_MODES.iter().find(|(mode, _)| mix.mode == mode) else {
        return TokenStream::new(); // reported by the validator
    };
    let variant = Ident::new(variant, mix.mode.span());
    let arms = mix
        .arms
        .iter()
        .filter_map(|arm| arm.as_ref().ok())
        .map(|arm| {
            let name = string_value(&arm.name);
            let weight = count::<u32>(krate, &arm.weight, false);
            let body = unit_block(krate, &parsed(&arm.steps));
            quote! {
                #arms_ident.arm(#name, #weight, |#steps: &mut #krate::steps::Steps| { #body });
            }
        });
    quote_spanned! {mix.keyword.span()=>
        #steps.mix(
            #name,
            #krate::steps::MixMode::#variant,
            |#arms_ident: &mut #krate::steps::MixArms| { #(#arms)* },
        )
    }
}
