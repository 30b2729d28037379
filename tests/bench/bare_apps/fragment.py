"""Baseline for the slider benchmark: a trivial fragment (one slider, one headline), nothing else."""

import streamlit as st


@st.fragment
def headline() -> None:
    value = st.slider("Time saved on those tasks (%)", 0.0, 90.0, 22.0, step=0.5, key="bare")
    st.markdown(f"#### Realised value\n## {value:.1f}")


headline()
